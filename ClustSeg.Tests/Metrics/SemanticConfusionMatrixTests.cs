using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Metrics;

namespace ClustSeg.Tests.Metrics;

public class SemanticConfusionMatrixTests
{
    [Fact]
    public void HandComputedIouWithIgnore()
    {
        var matrix = new SemanticConfusionMatrix(3);
        byte[] gt = [0, 0, 0, 1, 1, 255, 255, 2];
        byte[] pred = [0, 0, 1, 1, 255, 2, 0, 0];
        matrix.Add(gt, pred);
        var s = matrix.Compute();
        // class 0: tp 2, fn 1 (->1), fp 1 (gt 2 -> 0): 2/4. class 1: tp 1, fn 1 (predicted 255), fp 1: 1/3.
        // class 2: tp 0, fn 1, fp 0: 0. Pixels whose ground truth is 255 are skipped entirely.
        Assert.Equal(new[] { 0.5, 1.0 / 3, 0 }, s.ClassIou);
        Assert.Equal((0.5 + 1.0 / 3) / 3, s.MeanIou, 15);
        Assert.Equal(3.0 / 6, s.PixelAccuracy);
        Assert.Equal(new[] { 2.0 / 3, 0.5, 0 }, s.ClassAccuracy);
        Assert.Equal(1, matrix.Missed(1));
    }

    [Fact]
    public void AbsentClassesAreLeftOutOfTheMean()
    {
        var matrix = new SemanticConfusionMatrix(4);
        matrix.Add(new byte[] { 0, 1, 1 }, new byte[] { 0, 1, 1 });
        var s = matrix.Compute();
        Assert.True(double.IsNaN(s.ClassIou[2]) && double.IsNaN(s.ClassIou[3]));
        Assert.Equal(1.0, s.MeanIou);
    }

    [Fact]
    public void AccumulatesOverImages()
    {
        var matrix = new SemanticConfusionMatrix(2);
        matrix.Add(new byte[] { 0, 1 }, new byte[] { 0, 0 });
        matrix.Add(new ushort[] { 1, 1 }, new ushort[] { 1, 1 });
        Assert.Equal(1, matrix[1, 0]);
        Assert.Equal(2, matrix[1, 1]);
        Assert.Equal(new[] { 0.5, 2.0 / 3 }, matrix.Compute().ClassIou);
    }

    [Fact]
    public void OutOfRangeLabelsAndSizeMismatchAreErrors()
    {
        var matrix = new SemanticConfusionMatrix(3);
        Assert.Contains("predicted label 7", Assert.Throws<DataFileException>(() => matrix.Add(new byte[] { 0 }, new byte[] { 7 }, "p.png")).Message);
        Assert.Contains("ground-truth label 9", Assert.Throws<DataFileException>(() => matrix.Add(new byte[] { 9 }, new byte[] { 0 }, "g.png")).Message);
        Assert.Throws<DataFileException>(() => matrix.Add(new byte[] { 0, 1 }, new byte[] { 0 }, "p.png"));
    }
}
