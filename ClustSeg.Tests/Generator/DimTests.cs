using ClustSeg.Generators.Checking;

namespace ClustSeg.Tests.Generator;

public class DimTests
{
    private static readonly Dim H = Dim.Symbol("H");
    private static readonly Dim W = Dim.Symbol("W");

    /// <summary>PyTorch's output size floor((n + 2p - d(k-1) - 1)/s) + 1.</summary>
    private static Dim Conv(Dim n, int kernel, int stride, int padding) => (n + Dim.Const(2 * padding - (kernel - 1) - 1)).FloorDivide(stride) + Dim.Const(1);

    [Fact]
    public void StridedConvolutionOfAMultipleDividesExactly()
    {
        var input = H * 32;

        Assert.Equal(H * 16, Conv(input, kernel: 3, stride: 2, padding: 1));
        Assert.Equal(H * 16, Conv(input, kernel: 1, stride: 2, padding: 0));
        Assert.Equal(H * 32 - Dim.Const(2), Conv(input, kernel: 3, stride: 1, padding: 0));
        Assert.Equal("32*H - 2", Conv(input, kernel: 3, stride: 1, padding: 0).ToString());
    }

    [Fact]
    public void SizesThatAreNotPolynomialsBecomeEqualOpaqueSymbols()
    {
        var viaThree = Conv(H, kernel: 3, stride: 2, padding: 1);
        var viaOne = Conv(H, kernel: 1, stride: 2, padding: 0);

        Assert.Equal("floor((H - 1)/2) + 1", viaThree.ToString());
        Assert.Equal(viaThree, viaOne);
        Assert.NotEqual(viaThree, Conv(H, kernel: 3, stride: 2, padding: 0));
    }

    [Fact]
    public void ProductsAndExactDivision()
    {
        Assert.Equal(H * W, W * H);
        Assert.Equal("H*W", (W * H).ToString());
        Assert.Equal(H * 8, (H * 32).TryDivideExactly(4));
        Assert.Null((H * 32 + Dim.Const(1)).TryDivideExactly(2));
        Assert.Equal(Dim.Const(-2), Dim.Const(-3).FloorDivide(2));
        Assert.True(Dim.Const(7).IsConstant);
        Assert.False((H * 2).IsConstant);
    }
}
