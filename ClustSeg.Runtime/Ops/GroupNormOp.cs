using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of group_norm.comp and its backward kernels: GroupNorm over NCHW (any number of trailing spatial
/// dimensions) with affine weight and bias per channel, as PyTorch's <c>nn.GroupNorm</c>.
/// </summary>
public static class GroupNormOp
{
    /// <summary>The groups ClustSeg uses everywhere.</summary>
    public const int DefaultGroups = 8;

    /// <summary>The epsilon ClustSeg uses everywhere.</summary>
    public const float DefaultEpsilon = 1e-5f;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ForwardPush(uint GroupCount, uint Groups, uint ChannelsPerGroup, uint Hw, float Eps);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct BackwardPush(uint GroupCount, uint Groups, uint ChannelsPerGroup, uint Hw);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct AffinePush(uint Batch, uint Channels, uint Groups, uint Hw);

    /// <summary>
    /// Records <c>y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c]</c> with statistics per sample and group,
    /// and saves <paramref name="mean"/> and <paramref name="rstd"/> (1/sqrt(var + eps)), both [N, groups], for
    /// <see cref="GroupNormBackward"/>.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">Input [N, C, spatial...].</param>
    /// <param name="weight">Scale [C].</param>
    /// <param name="bias">Shift [C].</param>
    /// <param name="y">Output, shaped like <paramref name="x"/>.</param>
    /// <param name="mean">Saved means [N, groups].</param>
    /// <param name="rstd">Saved reciprocal standard deviations [N, groups].</param>
    /// <param name="groups">Groups; must divide C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="relu">Write max(y, 0) instead: GroupNorm and the ReLU after it in one pass over the tensor.</param>
    public static void GroupNorm(this CommandRecorder recorder, Tensor x, Tensor weight, Tensor bias, Tensor y,
        Tensor mean, Tensor rstd, int groups = DefaultGroups, float epsilon = DefaultEpsilon, bool relu = false)
    {
        var (n, c, hw) = Check("GroupNorm", x, groups);
        ShapeCheck.Exactly("GroupNorm", "weight", weight, c);
        ShapeCheck.Exactly("GroupNorm", "bias", bias, c);
        ShapeCheck.Same("GroupNorm", "x", x, "y", y);
        ShapeCheck.Exactly("GroupNorm", "mean", mean, n, groups);
        ShapeCheck.Exactly("GroupNorm", "rstd", rstd, n, groups);
        var width = ReductionWidth.For(recorder.Device, (long)c / groups * hw, passes: 2, "GroupNorm"); // moments, then normalise
        var kernel = recorder.Device.GetKernel(new KernelSpec("group_norm", 6, 20, width, SpecConstant.Bool(relu)));
        var count = (uint)(n * groups);
        recorder.Dispatch(kernel, Groups.For1D(count, 1),
            new ForwardPush(count, (uint)groups, (uint)(c / groups), (uint)hw, epsilon),
            Binding.Read(x), Binding.Read(weight), Binding.Read(bias), Binding.Write(y), Binding.Write(mean), Binding.Write(rstd));
    }

    /// <summary>
    /// Records the GroupNorm backward pass: <paramref name="dx"/> from the upstream gradient and the statistics the
    /// forward saved, and the parameter gradients <paramref name="dweight"/> and <paramref name="dbias"/> (written,
    /// not accumulated).
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">The forward input [N, C, spatial...].</param>
    /// <param name="dy">Gradient of the output, shaped like <paramref name="x"/>.</param>
    /// <param name="weight">Scale [C].</param>
    /// <param name="mean">Means saved by the forward [N, groups].</param>
    /// <param name="rstd">Reciprocal standard deviations saved by the forward [N, groups].</param>
    /// <param name="dx">Gradient of the input, shaped like <paramref name="x"/>.</param>
    /// <param name="dweight">Gradient of the weight [C].</param>
    /// <param name="dbias">Gradient of the bias [C].</param>
    /// <param name="groups">Groups, as in the forward.</param>
    public static void GroupNormBackward(this CommandRecorder recorder, Tensor x, Tensor dy, Tensor weight, Tensor mean,
        Tensor rstd, Tensor dx, Tensor dweight, Tensor dbias, int groups = DefaultGroups)
    {
        var (n, c, hw) = Check("GroupNormBackward", x, groups);
        ShapeCheck.Same("GroupNormBackward", "x", x, "dy", dy);
        ShapeCheck.Same("GroupNormBackward", "x", x, "dx", dx);
        ShapeCheck.Exactly("GroupNormBackward", "weight", weight, c);
        ShapeCheck.Exactly("GroupNormBackward", "mean", mean, n, groups);
        ShapeCheck.Exactly("GroupNormBackward", "rstd", rstd, n, groups);
        ShapeCheck.Exactly("GroupNormBackward", "dweight", dweight, c);
        ShapeCheck.Exactly("GroupNormBackward", "dbias", dbias, c);

        var count = (uint)(n * groups);
        var groupWidth = ReductionWidth.For(recorder.Device, (long)c / groups * hw, passes: 2, "GroupNormBackward");
        var input = recorder.Device.GetKernel(new KernelSpec("group_norm_backward", 6, 16, groupWidth));
        recorder.Dispatch(input, Groups.For1D(count, 1), new BackwardPush(count, (uint)groups, (uint)(c / groups), (uint)hw),
            Binding.Read(x), Binding.Read(dy), Binding.Read(weight), Binding.Read(mean), Binding.Read(rstd), Binding.Write(dx));
        // The per-channel reduction spreads each sample's plane over the lanes, so the plane size sets the width.
        var affine = recorder.Device.GetKernel(new KernelSpec("group_norm_backward_affine", 6, 16, ReductionWidth.For(recorder.Device, hw, passes: n, "GroupNormBackward (affine)")));
        recorder.Dispatch(affine, Groups.For1D(c, 1), new AffinePush((uint)n, (uint)c, (uint)groups, (uint)hw),
            Binding.Read(x), Binding.Read(dy), Binding.Read(mean), Binding.Read(rstd), Binding.Write(dweight), Binding.Write(dbias));
    }

    private static (int N, int C, int Hw) Check(string op, Tensor x, int groups)
    {
        ShapeCheck.That(x.Rank >= 2, op, $"'x' ({x.Name}) must be [N, C, spatial...], got [{x.ShapeText}].");
        ShapeCheck.That(groups > 0 && x.Dim(1) % groups == 0, op,
            $"{groups} groups must divide the {x.Dim(1)} channels of 'x' ({x.Name}) [{x.ShapeText}].");
        var hw = 1;
        for (var i = 2; i < x.Rank; i++) hw *= x.Dim(i);
        return (x.Dim(0), x.Dim(1), hw);
    }
}
