using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class AttentionLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData(2, 3, 5, 6, 4, 2)]  // value width differs from the query width
    [InlineData(1, 7, 4, 9, 9, 3)]
    [InlineData(2, 1, 6, 4, 4, 1)]
    public void AttentionMatchesReference(int batch, int queries, int keys, int width, int valueWidth, int heads)
    {
        var layer = new Attention(heads);
        new LayerHarness(Device).Check(layer,
            [LayerInput.Random(1, batch, queries, width), LayerInput.Random(2, batch, keys, width), LayerInput.Random(3, batch, keys, valueWidth)],
            [batch, queries, valueWidth], (x, _) => HeadAttention(x[0], x[1], x[2], batch, queries, keys, width, valueWidth, heads, emStep: false),
            (context, t) => layer.Forward(context, t[0], t[1], t[2]),
            (context, g) => { var (q, k, v) = layer.Backward(context, g); return [q, k, v]; });
    }

    [Theory]
    [InlineData(2, 3, 7, 8, 2)]
    [InlineData(1, 5, 4, 6, 3)]
    public void EmStepMatchesReference(int batch, int clusters, int pixels, int width, int heads)
    {
        var layer = new EmStep(heads, 1e-6f);
        new LayerHarness(Device).Check(layer,
            [LayerInput.Random(4, batch, clusters, width), LayerInput.Random(5, batch, pixels, width), LayerInput.Random(6, batch, pixels, width)],
            [batch, clusters, width], (x, _) => HeadAttention(x[0], x[1], x[2], batch, clusters, pixels, width, width, heads, emStep: true, eps: 1e-6),
            (context, t) => layer.Forward(context, t[0], t[1], t[2]),
            (context, g) => { var (q, k, v) = layer.Backward(context, g); return [q, k, v]; });
    }

    [Fact]
    public void EmStepRefusesAnotherEpsilon()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmStep(2, 1e-3f));
        Assert.Contains("1E-06", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatMulMatchesReference(bool transposeB)
    {
        var layer = new MatMul(transposeB);
        int batch = 2, m = 3, k = 5, n = 4;
        int[] bShape = transposeB ? [batch, n, k] : [batch, k, n];
        new LayerHarness(Device).Check(layer, [LayerInput.Random(7, batch, m, k), LayerInput.Random(8, bShape)], [batch, m, n],
            (x, _) =>
            {
                var b = transposeB ? Transpose(x[1], batch, n, k) : x[1];
                var y = new double[batch * m * n];
                for (var s = 0; s < batch; s++)
                for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                for (var p = 0; p < k; p++) y[(s * m + i) * n + j] += x[0][(s * m + i) * k + p] * b[(s * k + p) * n + j];
                return y;
            },
            (context, t) => layer.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = layer.Backward(context, g); return [a, b]; });
    }
}
