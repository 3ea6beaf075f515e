using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of the conv2d kernels (implicit GEMM, NCHW): forward <c>y = conv(x, weight) + bias</c> with weights
/// [out_channels, in_channels / groups, kh, kw], and its gradients for x, weight and bias.
/// On CPU devices (lavapipe), where the shapes allow 16-byte loads (horizontal stride 1 or 2, widths and channels per
/// group multiples of 4, taps within 4 columns), the forward pass and, at stride 1, both gradients use the vec4
/// kernels (conv2d_vec4.comp, conv2d_backward_weight_vec4.comp); they first repack the weights into a temporary from
/// <c>Device.Scratch</c> (one tensor the size of the weights per call). Pointwise (1x1, stride 1, unpadded, ungrouped)
/// convolutions with channel and pixel counts in multiples of 4 run as GEMMs there instead, and wide 3x3 stride-1 ones
/// as Winograd F(2x2, 3x3) (<see cref="Conv2dWinograd"/>: inference forwards and input gradients).
/// </summary>
public static class Conv2dOp
{
    private const string Op = "conv2d";
    private const int ColumnsPerLane = 2;
    private const int MaxGroups = 65535;

    [StructLayout(LayoutKind.Sequential)]
    internal record struct Push
    {
        public uint Batch, Channels, Height, Width, OutChannels, OutHeight, OutWidth, KernelH, KernelW;
        public uint StrideH, StrideW, PadH, PadW, DilationH, DilationW, Groups, RowGroupBase;
        public uint Flags; // conv2d_vec4.comp: CONV_FLAG_*; conv2d_backward_weight.comp: output-row band (first | count << 16)
    }

    /// <summary>Records <c>y = conv2d(x, weight) (+ bias)</c>.</summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="weight">Weights [O, C / groups, KH, KW].</param>
    /// <param name="bias">Optional [O].</param>
    /// <param name="y">Output [N, O, OH, OW] with OH, OW from <see cref="Conv2dGeometry.OutputSize"/>.</param>
    /// <param name="geometry">Stride, padding, dilation and groups.</param>
    public static void Conv2d(this CommandRecorder recorder, Tensor x, Tensor weight, Tensor? bias, Tensor y, Conv2dGeometry geometry)
    {
        var push = Check(x, weight, y, geometry);
        if (bias is not null) ShapeCheck.Exactly(Op, "bias", bias, (int)push.OutChannels);
        Forward(recorder, push, x, weight, bias, y);
    }

    /// <summary>Which kernels run a pass: the CPU-device paths in order of preference, then the general kernels.</summary>
    private enum Path { Pointwise, Winograd, Columns, Vec4, Widened, ChannelPadded, General }

    private static Path ForwardPath(CommandRecorder recorder, in Push f)
    {
        if (Conv2dPointwise.Fits(recorder, f)) return Path.Pointwise;
        // Training keeps the columns for the weight gradient to reuse (ConvColumnsCache); Winograd measured slower there.
        if (!recorder.RecordsBackward && Conv2dWinograd.Fits(recorder, f)) return Path.Winograd;
        var direct = Conv2dVec4.Suits(recorder) && Conv2dVec4.Fits((int)f.Width, (int)f.StrideW, (int)f.PadW, (int)f.DilationW, (int)f.KernelW, (int)(f.OutChannels / f.Groups));
        // Without a backward to reuse the columns (ConvColumnsCache), the direct kernel saves the unfold where it is
        // not slower than the GEMM: stride 1 and rows wide enough to fill its lanes.
        if (direct && !recorder.RecordsBackward && Conv2dColumns.DirectSuitsInference(f)) return Path.Vec4;
        if (Conv2dColumns.FitsForward(recorder, f)) return Path.Columns;
        if (direct) return Path.Vec4;
        return Conv2dWidened.Applies(recorder, f) && ForwardPath(recorder, Conv2dWidened.Widen(f)) != Path.General ? Path.Widened : Path.General;
    }

    private static Path InputGradientPath(CommandRecorder recorder, in Push f)
    {
        if (Conv2dPointwise.Fits(recorder, f)) return Path.Pointwise;
        if (Conv2dWinograd.FitsInputGradient(recorder, f)) return Path.Winograd;
        var vec4 = Conv2dVec4.Suits(recorder) && Conv2dVec4.FitsInputGradient(f);
        if (Conv2dColumns.FitsInputGradient(recorder, f, vec4)) return Path.Columns;
        if (vec4) return Path.Vec4;
        return Conv2dWidened.Applies(recorder, f) && InputGradientPath(recorder, Conv2dWidened.Widen(f)) != Path.General ? Path.Widened : Path.General;
    }

    private static Path WeightGradientPath(CommandRecorder recorder, in Push f)
    {
        if (Conv2dPointwise.Fits(recorder, f)) return Path.Pointwise;
        if (Conv2dColumns.FitsWeightGradient(recorder, f)) return Path.Columns;
        if (Conv2dVec4.Suits(recorder) && Conv2dVec4.FitsWeightGradient(f)) return Path.Vec4;
        if (Conv2dWidened.Applies(recorder, f) && WeightGradientPath(recorder, Conv2dWidened.Widen(f)) != Path.General) return Path.Widened;
        return Conv2dChannelPadded.Applies(recorder, f) && Conv2dColumns.FitsWeightGradient(recorder, Conv2dChannelPadded.Pad(f))
            ? Path.ChannelPadded : Path.General;
    }

    internal static void Forward(CommandRecorder recorder, in Push push, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        switch (ForwardPath(recorder, push))
        {
            case Path.Pointwise: Conv2dPointwise.Forward(recorder, push, x, weight, bias, y); break;
            case Path.Winograd: Conv2dWinograd.Forward(recorder, push, x, weight, bias, y); break;
            case Path.Columns: Conv2dColumns.Forward(recorder, push, x, weight, bias, y); break;
            case Path.Vec4: Conv2dVec4.Forward(recorder, push, x, weight, bias, y); break;
            case Path.Widened: Conv2dWidened.Forward(recorder, push, x, weight, bias, y); break;
            default:
                Dispatch(recorder, "conv2d", 4, push, push.OutHeight * push.OutWidth, push.OutChannels / push.Groups, push.Batch * push.Groups, bias is not null,
                    Binding.Read(x), Binding.Read(weight), Binding.Read(bias ?? weight), Binding.Write(y));
                break;
        }
    }

    /// <summary>
    /// Records the gradients of <see cref="Conv2d"/> given <paramref name="gradY"/>; any of <paramref name="gradX"/>,
    /// <paramref name="gradWeight"/>, <paramref name="gradBias"/> may be null to skip it.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">Forward input [N, C, H, W].</param>
    /// <param name="weight">Forward weights [O, C / groups, KH, KW].</param>
    /// <param name="gradY">Gradient of the loss with respect to y [N, O, OH, OW].</param>
    /// <param name="gradX">Receives dL/dx (shape of x), or null.</param>
    /// <param name="gradWeight">Receives dL/dweight (shape of weight), or null.</param>
    /// <param name="gradBias">Receives dL/dbias [O], or null.</param>
    /// <param name="geometry">As in the forward call.</param>
    /// <param name="accumulate">Add into the gradient tensors instead of overwriting them (gradient fan-in).</param>
    public static void Conv2dBackward(this CommandRecorder recorder, Tensor x, Tensor weight, Tensor gradY, Tensor? gradX, Tensor? gradWeight,
        Tensor? gradBias, Conv2dGeometry geometry, bool accumulate = false)
    {
        var push = Check(x, weight, gradY, geometry);
        if (gradX is not null)
        {
            ShapeCheck.Same(Op, "gradX", gradX, "x", x);
            InputGradient(recorder, push, gradY, weight, gradX, accumulate);
        }
        if (gradWeight is not null)
        {
            ShapeCheck.Same(Op, "gradWeight", gradWeight, "weight", weight);
            WeightGradient(recorder, push, x, gradY, gradWeight, accumulate);
        }
        if (gradBias is not null)
        {
            ShapeCheck.Exactly(Op, "gradBias", gradBias, (int)push.OutChannels);
            BiasGradient.Record(recorder, gradY, gradBias, (int)push.Batch, (int)push.OutChannels, (int)(push.OutHeight * push.OutWidth), accumulate);
        }
    }

    internal static void InputGradient(CommandRecorder recorder, in Push push, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate)
    {
        switch (InputGradientPath(recorder, push))
        {
            case Path.Pointwise: Conv2dPointwise.InputGradient(recorder, push, gradY, weight, gradX, accumulate); break;
            case Path.Winograd: Conv2dWinograd.InputGradient(recorder, push, gradY, weight, gradX, accumulate); break;
            case Path.Columns: Conv2dColumns.InputGradient(recorder, push, gradY, weight, gradX, accumulate); break;
            case Path.Vec4: Conv2dVec4.InputGradient(recorder, push, gradY, weight, gradX, accumulate); break;
            case Path.Widened: Conv2dWidened.InputGradient(recorder, push, gradY, weight, gradX, accumulate); break;
            default:
                Dispatch(recorder, "conv2d_backward_input", 3, push, InputGradientColumns(recorder, push), push.Channels / push.Groups, push.Batch * push.Groups,
                    accumulate, Binding.Read(gradY), Binding.Read(weight), accumulate ? Binding.ReadWrite(gradX) : Binding.Write(gradX));
                break;
        }
    }

    internal static void WeightGradient(CommandRecorder recorder, in Push push, Tensor x, Tensor gradY, Tensor gradWeight, bool accumulate)
    {
        switch (WeightGradientPath(recorder, push))
        {
            case Path.Pointwise: Conv2dPointwise.WeightGradient(recorder, push, x, gradY, gradWeight, accumulate); break;
            case Path.Columns: Conv2dColumns.WeightGradient(recorder, push, x, gradY, gradWeight, accumulate); break;
            case Path.Vec4: Conv2dVec4.WeightGradient(recorder, push, x, gradY, gradWeight, accumulate); break;
            case Path.Widened: Conv2dWidened.WeightGradient(recorder, push, x, gradY, gradWeight, accumulate); break;
            case Path.ChannelPadded: Conv2dChannelPadded.WeightGradient(recorder, push, x, gradY, gradWeight, accumulate); break;
            default:
                DirectWeightGradient(recorder, push, push.Channels / push.Groups * push.KernelH * push.KernelW, push.OutChannels / push.Groups, x, gradY,
                    gradWeight, accumulate);
                break;
        }
    }

    /// <summary>
    /// Columns of conv2d_backward_input.comp: the input pixels in stride_h x stride_w phases, each phase padded to whole
    /// workgroups so that a workgroup's pixels share the taps that can reach them.
    /// </summary>
    private static uint InputGradientColumns(CommandRecorder recorder, in Push f)
    {
        var perGroup = Gemm.LanesFor(recorder.Device.Info) * ColumnsPerLane;
        var phasePixels = Groups.CeilDiv(f.Height, f.StrideH) * Groups.CeilDiv(f.Width, f.StrideW);
        return f.StrideH * f.StrideW * Groups.CeilDiv(phasePixels, perGroup) * perGroup;
    }

    /// <summary>
    /// conv2d_backward_weight.comp, whose invocations each reduce over every output pixel of the batch: on CPU devices the
    /// output rows are split into bands (<see cref="WeightGradientBands"/>), one dispatch each, the later ones accumulating.
    /// </summary>
    private static void DirectWeightGradient(CommandRecorder recorder, Push push, uint columns, uint rows, Tensor x, Tensor gradY,
        Tensor gradWeight, bool accumulate)
    {
        var first = true;
        long batch = push.Batch, width = push.OutWidth;
        foreach (var band in WeightGradientBands(recorder, push, bandRows => batch * (bandRows * (width + 2) + 3) + 3))
        {
            var add = accumulate || !first;
            first = false;
            push.Flags = band;
            Dispatch(recorder, "conv2d_backward_weight", 3, push, columns, rows, push.Groups, add,
                Binding.Read(x), Binding.Read(gradY), add ? Binding.ReadWrite(gradWeight) : Binding.Write(gradWeight));
        }
    }

    /// <summary>
    /// The output-row bands of a weight-gradient kernel whose invocations reduce over every output pixel of the batch,
    /// as <c>Push.Flags</c> values (first | count &lt;&lt; 16; one band of every row is 0): one band on GPUs, and on CPU
    /// devices as many as keep each invocation under lavapipe's loop limit (<see cref="CpuLoopBudget"/>; the stem's
    /// 3 -> 32 weight gradient at 512x512 passed it), given the iterations of a band of so many rows.
    /// </summary>
    internal static IEnumerable<uint> WeightGradientBands(CommandRecorder recorder, Push push, Func<long, long> iterations)
    {
        var band = (long)push.OutHeight;
        while (band > 1 && !CpuLoopBudget.Fits(recorder.Device, iterations(band))) band = (band + 1) / 2;
        CpuLoopBudget.Check(recorder.Device, Op + "Backward (weight)", iterations(band),
            $"one output row of {push.OutWidth} pixels over a batch of {push.Batch}");
        for (long first = 0; first < push.OutHeight; first += band)
            yield return band == push.OutHeight ? 0u : (uint)first | (uint)Math.Min(band, push.OutHeight - first) << 16;
    }

    // Rows (channels) are split over y; the host splits y past the dispatch limit.
    private static void Dispatch(CommandRecorder recorder, string shader, int buffers, Push push, uint columns, uint rows, uint depth, bool flag,
        params ReadOnlySpan<Binding> bindings)
    {
        var lanes = Gemm.LanesFor(recorder.Device.Info);
        var rowsPerGroup = (uint)Gemm.BlockedRowsFor((int)rows);
        var kernel = recorder.Device.GetKernel(new KernelSpec(shader, buffers, Marshal.SizeOf<Push>(), lanes, rowsPerGroup, ColumnsPerLane, SpecConstant.Bool(flag)));
        var groupsX = Groups.CeilDiv(columns, lanes * ColumnsPerLane);
        ShapeCheck.That(groupsX <= MaxGroups && depth <= MaxGroups, Op,
            $"the convolution is too large to dispatch ({columns} columns, {depth} image-groups); split the batch.");
        var rowGroups = Groups.CeilDiv(rows, rowsPerGroup);
        for (uint first = 0; first < rowGroups; first += MaxGroups)
        {
            push.RowGroupBase = first;
            recorder.Dispatch(kernel, (groupsX, Math.Min(MaxGroups, rowGroups - first), depth), push, bindings);
        }
    }

    private static Push Check(Tensor x, Tensor weight, Tensor y, Conv2dGeometry g)
    {
        ShapeCheck.Rank(Op, "x", x, 4);
        ShapeCheck.Rank(Op, "weight", weight, 4);
        ShapeCheck.Rank(Op, "y", y, 4);
        foreach (var (name, t) in new[] { ("x", x), ("weight", weight), ("y", y) }) ShapeCheck.DType(Op, name, t, DType.F32);
        ShapeCheck.That(g.StrideH >= 1 && g.StrideW >= 1 && g.DilationH >= 1 && g.DilationW >= 1 && g.PadH >= 0 && g.PadW >= 0 && g.Groups >= 1, Op,
            $"invalid geometry {g}: strides and dilations must be at least 1, padding at least 0, groups at least 1.");
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3), o = weight.Dim(0), kh = weight.Dim(2), kw = weight.Dim(3);
        ShapeCheck.That(c % g.Groups == 0 && o % g.Groups == 0, Op,
            $"input channels ({c}, from '{x.Name}' [{x.ShapeText}]) and output channels ({o}, from '{weight.Name}' [{weight.ShapeText}]) must both divide by groups = {g.Groups}.");
        ShapeCheck.Exactly(Op, "weight", weight, o, c / g.Groups, kh, kw);
        var (oh, ow) = g.OutputSize(h, w, kh, kw);
        ShapeCheck.That(oh >= 1 && ow >= 1, Op, $"the {kh}x{kw} kernel (dilation {g.DilationH}x{g.DilationW}) does not fit the padded {h}x{w} input of '{x.Name}'.");
        ShapeCheck.Exactly(Op, "y", y, n, o, oh, ow);
        return new Push
        {
            Batch = (uint)n, Channels = (uint)c, Height = (uint)h, Width = (uint)w, OutChannels = (uint)o, OutHeight = (uint)oh, OutWidth = (uint)ow,
            KernelH = (uint)kh, KernelW = (uint)kw, StrideH = (uint)g.StrideH, StrideW = (uint)g.StrideW, PadH = (uint)g.PadH, PadW = (uint)g.PadW,
            DilationH = (uint)g.DilationH, DilationW = (uint)g.DilationW, Groups = (uint)g.Groups,
        };
    }
}
