using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of permute.comp: the permutes between image layout NCHW and token layout N(HW)C. Each is the
/// other's backward (<c>dx = NhwcToNchw(dy)</c> for <see cref="NchwToNhwc"/>, and the reverse).
/// </summary>
public static class PermuteOp
{
    private const uint Tile = 32; // permute.comp's TILE

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Rows, uint Cols);

    /// <summary>
    /// Records <c>y[n, p, c] = x[n, c, p]</c> for <paramref name="x"/> [N, C, H, W] and <paramref name="y"/>
    /// [N, H, W, C] or [N, H*W, C].
    /// </summary>
    public static void NchwToNhwc(this CommandRecorder recorder, Tensor x, Tensor y)
    {
        var (n, c, hw) = Check("NchwToNhwc", "x", x, "y", y);
        Transpose(recorder, x, y, n, c, hw);
    }

    /// <summary>
    /// Records <c>y[n, c, p] = x[n, p, c]</c> for <paramref name="x"/> [N, H, W, C] or [N, H*W, C] and
    /// <paramref name="y"/> [N, C, H, W].
    /// </summary>
    public static void NhwcToNchw(this CommandRecorder recorder, Tensor x, Tensor y)
    {
        var (n, c, hw) = Check("NhwcToNchw", "y", y, "x", x);
        Transpose(recorder, x, y, n, hw, c);
    }

    private static void Transpose(CommandRecorder recorder, Tensor x, Tensor y, int batch, int rows, int cols)
    {
        var kernel = recorder.Device.GetKernel(new KernelSpec("permute", 2, 8));
        recorder.Dispatch(kernel, (Groups.CeilDiv(cols, Tile), Groups.CeilDiv(rows, Tile), (uint)batch),
            new Push((uint)rows, (uint)cols), Binding.Read(x), Binding.Write(y));
    }

    private static (int N, int C, int Hw) Check(string op, string imageName, Tensor image, string tokensName, Tensor tokens)
    {
        ShapeCheck.Rank(op, imageName, image, 4);
        int n = image.Dim(0), c = image.Dim(1), hw = image.Dim(2) * image.Dim(3);
        var asTokens = tokens.Rank == 3 && tokens.Shape.SequenceEqual([n, hw, c]);
        var asNhwc = tokens.Rank == 4 && tokens.Shape.SequenceEqual([n, image.Dim(2), image.Dim(3), c]);
        ShapeCheck.That(asTokens || asNhwc, op,
            $"'{tokensName}' ({tokens.Name}) must be [{n}x{image.Dim(2)}x{image.Dim(3)}x{c}] or [{n}x{hw}x{c}] to match " +
            $"'{imageName}' [{image.ShapeText}], got [{tokens.ShapeText}].");
        return (n, c, hw);
    }
}
