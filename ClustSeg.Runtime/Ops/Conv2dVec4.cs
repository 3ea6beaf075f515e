using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// The vec4 conv2d path (conv2d_vec4.comp with weights repacked by conv2d_pack_weights.comp): several times faster on
/// lavapipe where its shape conditions hold; <see cref="Conv2dOp"/> falls back to the general kernels elsewhere.
/// </summary>
internal static class Conv2dVec4
{
    private const uint PackGroupSize = 64;
    private const int RowsPerGroup = 8; // TM of conv2d_backward_weight_vec4.comp
    // Tile of conv2d_vec4.comp: 16 output channels x (lanes x 4 quads x 4 pixels) along a row.
    private const int ForwardRows = 16;
    private const int QuadsPerLane = 4;
    private const uint FlagBias = 1, FlagAccumulate = 2;
    private const int MaxTapOffset = 4;  // the window vec4s reach 4 columns beyond a lane's pixels on either side

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct PackPush(uint og, uint cg, uint kh, uint kw, uint count)
    {
        public readonly uint Og = og, Cg = cg, Kh = kh, Kw = kw, Count = count;
    }

    /// <summary>
    /// The vec4 kernels hold 64 vec4 accumulators per invocation: right for a CPU, where spills are cheap next to
    /// llvmpipe's loads, but far past a GPU's register budget, so GPUs keep the general kernels.
    /// </summary>
    internal static bool Suits(CommandRecorder recorder) => recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu;

    /// <summary>Whether a forward convolution reading rows of <paramref name="width"/> fits the vec4 kernel.</summary>
    internal static bool Fits(int width, int strideW, int padW, int dilationW, int kernelW, int outPerGroup) =>
        strideW is 1 or 2 && width % 4 == 0 && outPerGroup % 4 == 0 && padW >= 0 &&
        Enumerable.Range(0, kernelW).All(t => Math.Abs(t * dilationW - padW) <= MaxTapOffset);

    /// <summary>The input gradient of a stride-1 convolution is the stride-1 convolution of the output gradient with
    /// mirrored, channel-swapped weights and padding dilation * (k - 1) - pad; true when that convolution fits.</summary>
    internal static bool FitsInputGradient(in Conv2dOp.Push f) =>
        f.StrideH == 1 && f.StrideW == 1 && FlippedPad(f.KernelH, f.DilationH, f.PadH) >= 0 && FlippedPad(f.KernelW, f.DilationW, f.PadW) >= 0 &&
        Fits((int)f.OutWidth, 1, FlippedPad(f.KernelW, f.DilationW, f.PadW), (int)f.DilationW, (int)f.KernelW, (int)(f.Channels / f.Groups));

    /// <summary>Whether the weight gradient fits conv2d_backward_weight_vec4.comp (input and output rows in whole vec4s).</summary>
    internal static bool FitsWeightGradient(in Conv2dOp.Push f) =>
        f.StrideW == 1 && f.OutWidth % 4 == 0 && Fits((int)f.Width, (int)f.StrideW, (int)f.PadW, (int)f.DilationW, (int)f.KernelW, 4);

    /// <summary>Records the weight gradient: rows are output channels, each lane one (input channel, kh) pair.</summary>
    internal static void WeightGradient(CommandRecorder recorder, Conv2dOp.Push f, Tensor x, Tensor gradY, Tensor gradW, bool accumulate)
    {
        var lanes = Gemm.LanesFor(recorder.Device.Info);
        var groupsX = Groups.CeilDiv((long)(f.Channels / f.Groups) * f.KernelH, lanes);
        var rowGroups = Groups.CeilDiv(f.OutChannels / f.Groups, RowsPerGroup);
        ShapeCheck.That(groupsX <= 65535 && f.Groups <= 65535, "conv2d", $"the weight gradient is too large to dispatch ({groupsX} column groups, {f.Groups} groups).");
        // Its loops per invocation: the images, their output rows and each row's quads (the inner loops have constant bounds).
        var push = f;
        var firstBand = true;
        long batch = f.Batch, quads = f.OutWidth / 4;
        foreach (var band in Conv2dOp.WeightGradientBands(recorder, f, bandRows => batch * (bandRows * (quads + 2) + 3) + 3))
        {
            var add = accumulate || !firstBand;
            firstBand = false;
            var kernel = recorder.Device.GetKernel(new KernelSpec("conv2d_backward_weight_vec4", 3, Marshal.SizeOf<Conv2dOp.Push>(),
                lanes, f.KernelW, SpecConstant.Int((int)f.PadW), SpecConstant.Int((int)f.DilationW), SpecConstant.Bool(add)));
            push.Flags = band;
            for (uint first = 0; first < rowGroups; first += 65535)
            {
                push.RowGroupBase = first;
                recorder.Dispatch(kernel, (groupsX, Math.Min(65535, rowGroups - first), f.Groups), push,
                    Binding.Read(x), Binding.Read(gradY), add ? Binding.ReadWrite(gradW) : Binding.Write(gradW));
            }
        }
    }

    private static int FlippedPad(uint kernel, uint dilation, uint pad) => (int)(dilation * (kernel - 1)) - (int)pad;

    /// <summary>Records <c>y = conv(x, weight) + bias</c>; weights are repacked into a scratch temporary first.</summary>
    internal static void Forward(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var packed = Pack(recorder, weight, f, flip: false);
        Record(recorder, f, x, packed, bias, y, accumulate: false);
    }

    /// <summary>Records the input gradient as the convolution of <paramref name="gradY"/> with the flipped weights.</summary>
    internal static void InputGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate)
    {
        var packed = Pack(recorder, weight, f, flip: true);
        var t = f;
        t.Channels = f.OutChannels; t.Height = f.OutHeight; t.Width = f.OutWidth;
        t.OutChannels = f.Channels; t.OutHeight = f.Height; t.OutWidth = f.Width;
        t.PadH = (uint)FlippedPad(f.KernelH, f.DilationH, f.PadH);
        t.PadW = (uint)FlippedPad(f.KernelW, f.DilationW, f.PadW);
        Record(recorder, t, gradY, packed, null, gradX, accumulate);
    }

    private static Tensor Pack(CommandRecorder recorder, Tensor weight, in Conv2dOp.Push f, bool flip)
    {
        var count = (uint)weight.ElementCount;
        var packed = recorder.Device.Scratch.Allocate(weight.Name + (flip ? ".flipped" : ".packed"), DType.F32, (int)count);
        var kernel = recorder.Device.GetKernel(new KernelSpec("conv2d_pack_weights", 2, Marshal.SizeOf<PackPush>(), PackGroupSize, SpecConstant.Bool(flip)));
        uint inner = flip ? f.Channels / f.Groups : f.OutChannels / f.Groups, outer = flip ? f.OutChannels / f.Groups : f.Channels / f.Groups;
        ShapeCheck.That(f.Groups * outer <= 65535, "conv2d", $"too many weight rows to repack ({f.Groups} groups x {outer}).");
        recorder.Dispatch(kernel, (Groups.CeilDiv(inner, PackGroupSize), f.KernelH * f.KernelW, f.Groups * outer),
            new PackPush(f.OutChannels / f.Groups, f.Channels / f.Groups, f.KernelH, f.KernelW, count), Binding.Read(weight), Binding.Write(packed));
        return packed;
    }

    private static void Record(CommandRecorder recorder, Conv2dOp.Push f, Tensor input, Tensor packed, Tensor? bias, Tensor output, bool accumulate)
    {
        var lanes = Gemm.LanesFor(recorder.Device.Info);
        var kernel = recorder.Device.GetKernel(new KernelSpec("conv2d_vec4", 4, Marshal.SizeOf<Conv2dOp.Push>(),
            lanes, f.KernelW, SpecConstant.Int((int)f.PadW), SpecConstant.Int((int)f.DilationW), ForwardRows, QuadsPerLane, f.StrideW));
        f.Flags = (bias is not null ? FlagBias : 0) | (accumulate ? FlagAccumulate : 0);
        var segments = (long)f.OutHeight * Groups.CeilDiv(f.OutWidth, 4 * QuadsPerLane);
        var rowGroups = Groups.CeilDiv(f.OutChannels / f.Groups, ForwardRows);
        var groupsX = Groups.CeilDiv(segments, lanes);
        var depth = f.Batch * f.Groups;
        ShapeCheck.That(groupsX <= 65535 && depth <= 65535, "conv2d", $"the convolution is too large to dispatch ({segments} row segments, {depth} image-groups); split the batch.");
        for (uint first = 0; first < rowGroups; first += 65535)
        {
            f.RowGroupBase = first;
            recorder.Dispatch(kernel, (groupsX, Math.Min(65535, rowGroups - first), depth), f,
                Binding.Read(input), Binding.Read(packed), Binding.Read(bias ?? packed), accumulate ? Binding.ReadWrite(output) : Binding.Write(output));
        }
    }
}
