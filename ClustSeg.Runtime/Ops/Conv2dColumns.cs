using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// The im2col path of ungrouped convolutions on CPU devices: the input is unfolded into per-image columns
/// [C * KH * KW, OH * OW] (conv2d_im2col.comp, a scratch temporary) and every pass becomes a GEMM on the vec4
/// register-blocked kernel: y[n] = W columns[n], grad_columns[n] = W^T grad_y[n] then folded back by
/// conv2d_col2im.comp, grad_W = sum over n of grad_y[n] columns[n]^T. It replaces the direct kernels where they
/// parallelise badly: narrow outputs (conv2d_vec4.comp tiles 16 pixels of a row per lane, so a 4- or 8-wide stride-32
/// map leaves most lanes idle), strided gradients (the scalar kernels, about 1.2 GFLOP/s on lavapipe), and, since the
/// GEMM reads through texel buffers (2 to 3x faster), every forward pass and every weight gradient it can run: on idle
/// lavapipe the forward took 25-27 against 33-35 ms (64 -> 64 channels, 64x64), 95 against 136-143 ms (128x128) and
/// 4.5-6.6 against 10.3-10.6 ms (128 channels, 16x16); the weight gradient 64-74 against 90-115 ms at 128x128. The
/// input gradient keeps the direct kernel from 16 wide: col2im made it slower at 64x64 (41-56 against 34-37 ms).
/// </summary>
internal static class Conv2dColumns
{
    /// <summary>Output rows narrower than this leave conv2d_vec4.comp's 16-pixel row tiles mostly empty.</summary>
    private const int NarrowWidth = 16;
    private const int MaxGroups = 65535;

    /// <summary>
    /// Whether the columns path can run this convolution at all: CPU device, one group, dispatchable, and columns that
    /// one binding can address (a full-resolution 3x3 conv of a 321x400 picture unfolds to 141 MiB, past lavapipe's
    /// 128 MiB maxStorageBufferRange; such convolutions take the direct kernels instead).
    /// </summary>
    private static bool Usable(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Conv2dVec4.Suits(recorder) && f.Groups == 1 && f.Channels * f.KernelH * f.KernelW <= MaxGroups && f.Batch <= MaxGroups &&
        ColumnsFit(recorder.Device.Info, f);

    private static bool ColumnsFit(Vulkan.DeviceInfo info, in Conv2dOp.Push f)
    {
        var bytes = 4UL * f.Batch * (ulong)Rows(f) * (ulong)Pixels(f);
        return bytes <= info.MaxStorageBufferRange && bytes / 16 <= info.MaxTexelBufferElements;
    }

    private static bool Preferred(in Conv2dOp.Push f) => f.OutWidth < NarrowWidth;

    /// <summary>Whether an inference forward should take the direct vec4 kernel over the columns: stride 1, rows not narrow.</summary>
    internal static bool DirectSuitsInference(in Conv2dOp.Push f) => !Preferred(f) && f.StrideH == 1 && f.StrideW == 1;

    /// <summary>Forward on the columns path: wherever the GEMM can run on the vec4 kernel (its per-row bias needs it).</summary>
    internal static bool FitsForward(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Usable(recorder, f) && (f.Channels * f.KernelH * f.KernelW) % 4 == 0 && f.OutHeight * f.OutWidth % 4 == 0;

    /// <summary>Input gradient on the columns path: narrow outputs, or wherever the direct vec4 kernel does not apply (strides).</summary>
    /// <remarks>
    /// col2im's invocations walk every input row, their lanes' columns and every tap, so a large map passes lavapipe's
    /// per-invocation loop limit (<see cref="CpuLoopBudget"/>; the stem's stride-2 gradient at 512x512 did, leaving
    /// rows unwritten); then the direct scalar kernel, whose loops only cover the taps, takes it.
    /// </remarks>
    internal static bool FitsInputGradient(CommandRecorder recorder, in Conv2dOp.Push f, bool directVec4) =>
        Usable(recorder, f) && (Preferred(f) || !directVec4) && CpuLoopBudget.Fits(recorder.Device, Col2imIterations(recorder, f));

    // Upper bound of col2im.comp's loop iterations per invocation (every tap a hit; +1 per loop for its exit test). Rows
    // a multiple of 4 wide take 4 pixels per step (the loop over them is unrolled).
    private static long Col2imIterations(CommandRecorder recorder, in Conv2dOp.Push f)
    {
        long lanes = Gemm.LanesFor(recorder.Device.Info);
        long perStep = f.Width % 4 == 0 ? 4 : 1;
        long columnSteps = (f.Width + lanes * perStep - 1) / (lanes * perStep);
        long perColumn = 3 + f.KernelH + (long)f.KernelH * (f.KernelW + 1);
        return f.Height * (columnSteps * perColumn + 4) + 4;
    }

    /// <summary>
    /// Weight gradient on the columns path, as long as the product runs on the vec4 GEMM (the scalar GEMM is no faster
    /// than the direct scalar kernel, e.g. for the stem's 27 weight columns).
    /// </summary>
    internal static bool FitsWeightGradient(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Usable(recorder, f) && Rows(f) % 4 == 0 && Pixels(f) % 4 == 0;

    internal static void Forward(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        int rows = Rows(f), pixels = Pixels(f), outChannels = (int)f.OutChannels;
        var pixelMajor = PixelMajor(recorder, f);
        var columns = Unfold(recorder, f, x, pixelMajor);
        if (!pixelMajor)
        {
            Gemm.Record(recorder, "conv2d", new Gemm.Problem(weight, false, 0, columns, false, (long)rows * pixels, y, bias,
                outChannels, pixels, rows, (int)f.Batch, 1, false, BiasPerRow: true), GemmPath.RegisterBlocked);
            return;
        }
        // y[n]^T (pixels x O) = columns[n] (pixels x rows) W^T, then back to NCHW.
        var transposed = recorder.Device.Scratch.Allocate(y.Name + ".nhwc", DType.F32, (int)f.Batch, (int)f.OutHeight, (int)f.OutWidth, outChannels);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(columns, false, (long)rows * pixels, weight, true, 0, transposed, bias,
            pixels, outChannels, rows, (int)f.Batch, 1, false), GemmPath.RegisterBlocked);
        recorder.NhwcToNchw(transposed, y);
    }

    internal static void InputGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate)
    {
        int rows = Rows(f), pixels = Pixels(f), outChannels = (int)f.OutChannels;
        var pixelMajor = PixelMajor(recorder, f);
        var gradColumns = recorder.Device.Scratch.Allocate(gradX.Name + ".columns", DType.F32, (int)f.Batch, rows * pixels);
        var gradYStride = (long)outChannels * pixels;
        // grad_columns[n] = W^T grad_y[n] (rows x pixels), or its transpose grad_y[n]^T W (pixels x rows).
        Gemm.Record(recorder, "conv2d", pixelMajor
            ? new Gemm.Problem(gradY, true, gradYStride, weight, false, 0, gradColumns, null, pixels, rows, outChannels, (int)f.Batch, 1, false)
            : new Gemm.Problem(weight, true, 0, gradY, false, gradYStride, gradColumns, null, rows, pixels, outChannels, (int)f.Batch, 1, false),
            GemmPath.RegisterBlocked);
        var lanes = Gemm.LanesFor(recorder.Device.Info);
        var kernel = recorder.Device.GetKernel(new KernelSpec("conv2d_col2im", 2, Marshal.SizeOf<Conv2dOp.Push>(), lanes, f.StrideW,
            SpecConstant.Bool(accumulate), SpecConstant.Bool(pixelMajor)));
        recorder.Dispatch(kernel, (f.Channels, f.Batch, 1u), f, Binding.Read(gradColumns), accumulate ? Binding.ReadWrite(gradX) : Binding.Write(gradX));
    }

    internal static void WeightGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor gradY, Tensor gradWeight, bool accumulate)
    {
        int rows = Rows(f), pixels = Pixels(f);
        // grad_W = sum over n of grad_y[n] (O x pixels) columns[n]^T: the weight columns run along the GEMM's columns
        // whatever the map size, so the pixel-major layout would gain nothing here (it measured slower).
        var columns = Unfold(recorder, f, x, pixelMajor: false);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(gradY, false, (long)f.OutChannels * pixels, columns, true, (long)rows * pixels, gradWeight, null,
            (int)f.OutChannels, rows, pixels, 1, (int)f.Batch, accumulate), GemmPath.RegisterBlocked);
    }

    /// <summary>
    /// Pixel-major columns where a map has fewer pixels than one tile of matmul_blocked_vec4.comp is wide (lanes x 16
    /// columns): the GEMMs then run with the channels, not the few pixels, along their columns. The transposed products
    /// need the channel counts in multiples of 4 (the vec4 kernel's row strides).
    /// </summary>
    private static bool PixelMajor(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Pixels(f) < Gemm.LanesFor(recorder.Device.Info) * 16 && Rows(f) % 4 == 0 && f.OutChannels % 4 == 0 && Pixels(f) % 4 == 0;

    private static int Rows(in Conv2dOp.Push f) => (int)(f.Channels * f.KernelH * f.KernelW);

    private static int Pixels(in Conv2dOp.Push f) => (int)(f.OutHeight * f.OutWidth);

    /// <summary>
    /// The columns of <paramref name="x"/>: channel-major ones are kept (<see cref="ConvColumnsCache"/>) so that the
    /// weight gradient reuses what the forward pass unfolded, unless something wrote the input or the columns between.
    /// </summary>
    private static Tensor Unfold(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, bool pixelMajor)
    {
        var cache = recorder.Device.ConvColumns;
        if (!pixelMajor && cache.Find(x, f) is { } unfolded) return unfolded;
        var columns = recorder.Device.Scratch.Allocate(x.Name + ".columns", DType.F32, (int)f.Batch, Rows(f) * Pixels(f));
        var kernel = recorder.Device.GetKernel(new KernelSpec("conv2d_im2col", 2, Marshal.SizeOf<Conv2dOp.Push>(), Gemm.LanesFor(recorder.Device.Info),
            SpecConstant.Bool(pixelMajor)));
        recorder.Dispatch(kernel, ((uint)Rows(f), f.Batch, 1u), f, Binding.Read(x), Binding.Write(columns));
        if (!pixelMajor) cache.Add(x, f, columns);
        return columns;
    }
}
