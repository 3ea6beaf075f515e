using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;

namespace ClustSeg.Tests.Nn;

/// <summary>The initialisation rules a spec can choose, and overriding a layer's default.</summary>
public class ParameterInitTests
{
    [Fact]
    public void FansFollowPyTorchForConvAndLinearWeights()
    {
        Assert.Equal((8 * 9, 16 * 9), ParameterInit.Fans([16, 8, 3, 3]));
        Assert.Equal((64, 32), ParameterInit.Fans([32, 64]));
        Assert.Throws<ArgumentException>(() => ParameterInit.Fans([32]));
    }

    [Fact]
    public void KaimingAndXavierUseTheFans()
    {
        var kaiming = ParameterInit.KaimingNormal([16, 8, 3, 3]);
        Assert.Equal((ParameterInitKind.Normal, 0.0), (kaiming.Kind, kaiming.A));
        Assert.Equal(Math.Sqrt(2.0 / 72), kaiming.B, 12);
        var xavier = ParameterInit.XavierUniform([32, 64]);
        Assert.Equal(ParameterInitKind.Uniform, xavier.Kind);
        Assert.Equal(Math.Sqrt(6.0 / 96), xavier.A, 12);
    }

    [Fact]
    public void UniformRangeStaysInItsBounds()
    {
        var values = new float[1000];
        ParameterInit.UniformRange(-0.5, 1.5).Fill(values, new Random(1));
        Assert.All(values, v => Assert.InRange(v, -0.5f, 1.5f));
        Assert.True(values.Min() < -0.4 && values.Max() > 1.4);
        Assert.Throws<ArgumentException>(() => ParameterInit.UniformRange(1, 0));
    }

    [Fact]
    public void WithInitReplacesTheDefaultOfTheNamedParameter()
    {
        var layer = new Linear(4, 3, bias: true).WithInit("bias", ParameterInit.Ones).WithInit("weight", ParameterInit.KaimingNormal);

        Assert.Equal(ParameterInit.Ones, layer.Bias!.Init);
        Assert.Equal(ParameterInitKind.Normal, layer.Weight.Init.Kind);
        Assert.Equal(Math.Sqrt(2.0 / 4), layer.Weight.Init.B, 12);
    }

    [Fact]
    public void WithInitOfAMissingParameterNamesTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new Linear(4, 3, bias: false).WithInit("bias", ParameterInit.Zeros));
        Assert.Contains("Linear has no parameter 'bias' to initialise (it has weight)", error.Message);
    }
}
