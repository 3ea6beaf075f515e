using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of layer_norm.comp and its backward kernels: LayerNorm over the last dimension with affine weight
/// and bias, as PyTorch's <c>nn.LayerNorm(width)</c>.
/// </summary>
public static class LayerNormOp
{
    /// <summary>The epsilon ClustSeg uses everywhere.</summary>
    public const float DefaultEpsilon = 1e-5f;

    private const uint AffineColumns = 32; // layer_norm_backward_affine.comp's COLUMNS

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ForwardPush(uint Rows, uint Width, float Eps);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct BackwardPush(uint Rows, uint Width);

    /// <summary>
    /// Records <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c> with statistics per row of the last dimension,
    /// and saves <paramref name="mean"/> and <paramref name="rstd"/> (1/sqrt(var + eps)) per row for
    /// <see cref="LayerNormBackward"/>.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">Input [..., width].</param>
    /// <param name="weight">Scale [width].</param>
    /// <param name="bias">Shift [width].</param>
    /// <param name="y">Output, shaped like <paramref name="x"/>.</param>
    /// <param name="mean">Saved means [rows] (rows = elements / width).</param>
    /// <param name="rstd">Saved reciprocal standard deviations [rows].</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void LayerNorm(this CommandRecorder recorder, Tensor x, Tensor weight, Tensor bias, Tensor y,
        Tensor mean, Tensor rstd, float epsilon = DefaultEpsilon)
    {
        var (rows, width) = Check("LayerNorm", x, mean, rstd);
        ShapeCheck.Exactly("LayerNorm", "weight", weight, width);
        ShapeCheck.Exactly("LayerNorm", "bias", bias, width);
        ShapeCheck.Same("LayerNorm", "x", x, "y", y);
        var kernel = recorder.Device.GetKernel(new KernelSpec("layer_norm", 6, 12, RowGroupSize(recorder, width)));
        recorder.Dispatch(kernel, Groups.For1D(rows, 1), new ForwardPush((uint)rows, (uint)width, epsilon),
            Binding.Read(x), Binding.Read(weight), Binding.Read(bias), Binding.Write(y), Binding.Write(mean), Binding.Write(rstd));
    }

    /// <summary>
    /// Records the LayerNorm backward pass: <paramref name="dx"/> from the upstream gradient and the statistics the
    /// forward saved, and the parameter gradients <paramref name="dweight"/> and <paramref name="dbias"/> (written,
    /// not accumulated).
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">The forward input [..., width].</param>
    /// <param name="dy">Gradient of the output, shaped like <paramref name="x"/>.</param>
    /// <param name="weight">Scale [width].</param>
    /// <param name="mean">Means saved by the forward [rows].</param>
    /// <param name="rstd">Reciprocal standard deviations saved by the forward [rows].</param>
    /// <param name="dx">Gradient of the input, shaped like <paramref name="x"/>.</param>
    /// <param name="dweight">Gradient of the weight [width].</param>
    /// <param name="dbias">Gradient of the bias [width].</param>
    public static void LayerNormBackward(this CommandRecorder recorder, Tensor x, Tensor dy, Tensor weight, Tensor mean,
        Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias)
    {
        var (rows, width) = Check("LayerNormBackward", x, mean, rstd);
        ShapeCheck.Same("LayerNormBackward", "x", x, "dy", dy);
        ShapeCheck.Same("LayerNormBackward", "x", x, "dx", dx);
        ShapeCheck.Exactly("LayerNormBackward", "weight", weight, width);
        ShapeCheck.Exactly("LayerNormBackward", "dweight", dweight, width);
        ShapeCheck.Exactly("LayerNormBackward", "dbias", dbias, width);
        var push = new BackwardPush((uint)rows, (uint)width);
        var input = recorder.Device.GetKernel(new KernelSpec("layer_norm_backward", 6, 8, RowGroupSize(recorder, width)));
        recorder.Dispatch(input, Groups.For1D(rows, 1), push,
            Binding.Read(x), Binding.Read(dy), Binding.Read(weight), Binding.Read(mean), Binding.Read(rstd), Binding.Write(dx));
        var affine = recorder.Device.GetKernel(new KernelSpec("layer_norm_backward_affine", 6, 8));
        recorder.Dispatch(affine, (Groups.CeilDiv(width, AffineColumns), 1, 1), push,
            Binding.Read(x), Binding.Read(dy), Binding.Read(mean), Binding.Read(rstd), Binding.Write(dweight), Binding.Write(dbias));
    }

    // Rows of the model's widths (64 to 512) fill a small workgroup; wider rows get more lanes. CPU devices take one
    // subgroup whatever the width (see ReductionWidth).
    private static uint RowGroupSize(CommandRecorder recorder, int width) =>
        recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu ? Gemm.LanesFor(recorder.Device.Info) : width <= 256 ? 64u : 256u;

    private static (int Rows, int Width) Check(string op, Tensor x, Tensor mean, Tensor rstd)
    {
        ShapeCheck.That(x.Rank >= 1 && x.Dim(-1) > 0, op, $"'x' ({x.Name}) must be [..., width] with width > 0, got [{x.ShapeText}].");
        var width = x.Dim(-1);
        var rows = (int)(x.ElementCount / width);
        ShapeCheck.Exactly(op, "mean", mean, rows);
        ShapeCheck.Exactly(op, "rstd", rstd, rows);
        return (rows, width);
    }
}
