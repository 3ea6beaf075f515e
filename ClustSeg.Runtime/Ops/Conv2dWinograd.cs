using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// 3x3 stride-1 convolutions as Winograd F(2x2, 3x3) on CPU devices: each 2x2 output tile costs 16 multiplications
/// per (input, output) channel pair instead of 36, so the GEMM at the centre does 2.25 times less work than im2col's.
/// The weights are transformed (conv2d_winograd_weights.comp, U[16][O][C]), the input is cut into overlapping 4x4
/// patches and transformed (conv2d_winograd_input.comp, V[16][C][tiles]), one batched GEMM per transform point gives
/// M[16][O][tiles] = U V on the vec4 register-blocked kernel, and conv2d_winograd_output.comp folds each tile's 16
/// products back into its 2x2 outputs (bias and accumulation included). The input gradient of such a convolution is
/// again one (of grad_y with mirrored, channel-swapped weights), so it runs the same way. Widths need not be multiples
/// of 4: the tiles cover any size. The three temporaries come from <c>Device.Scratch</c>; V and M are each 4 times
/// the size of the input and output, so maps whose transforms one binding cannot address take the other paths.
/// Rounding differs from the direct sum by a few float ulps (the transforms add and halve), well inside float32 use.
/// </summary>
internal static class Conv2dWinograd
{
    private const int Points = 16; // 4 x 4 transform points of F(2x2, 3x3)
    private const uint WeightGroupSize = 64;
    private const uint FlagBias = 1, FlagAccumulate = 2;
    private const int MaxGroups = 65535;

    /// <summary>
    /// Whether the forward convolution runs here: a CPU device; one group; 3x3, stride 1, dilation 1, padding at most 2;
    /// channel counts in multiples of 4 (the GEMM's rows of U and columns of V are read as vec4s), at least
    /// <see cref="MinChannels"/> of them in; at least <see cref="MinTileColumns"/> tiles; transforms that fit a binding.
    /// </summary>
    internal static bool Fits(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Conv2dVec4.Suits(recorder) && f.Groups == 1 && f.KernelH == 3 && f.KernelW == 3 && f.StrideH == 1 && f.StrideW == 1 &&
        f.DilationH == 1 && f.DilationW == 1 && f.PadH <= 2 && f.PadW <= 2 && f.Channels % 4 == 0 && f.OutChannels % 4 == 0 &&
        f.Channels >= MinChannels && f.OutHeight > 0 && f.OutWidth > 0 && Tiles(f) >= MinTileColumns(recorder) && Dispatchable(recorder, f);

    /// <summary>
    /// The GEMM reduces over the input channels: at 32 its short K loop no longer pays for the two transforms, each
    /// writing or reading 16 values per tile and channel (bench kernels, 32 -> 32 channels at 481x321: 66-70 against
    /// 72-73 ms, and the trained superpixel model slower per picture, 600-640 against 550 ms; 64 -> 64 at 64x64:
    /// 3.9-5.4 against 6.0-11.4 ms).
    /// </summary>
    private const uint MinChannels = 64;

    /// <summary>
    /// The GEMM runs along the tiles, in tiles of lanes x 8 or x 16 columns: with fewer tiles than one half-width tile
    /// most of its lanes idle, and the im2col path wins (bench kernels, 8x8 maps of 256 channels: 3.1-4.1 against
    /// 1.8-1.9 ms; 16x16 maps of 128: 1.3-1.8 against 1.8-2.8 ms).
    /// </summary>
    private static long MinTileColumns(CommandRecorder recorder) => Gemm.LanesFor(recorder.Device.Info) * 8;

    /// <summary>Whether the input gradient runs here: when the convolution of grad_y it amounts to <see cref="Fits"/>.</summary>
    internal static bool FitsInputGradient(CommandRecorder recorder, in Conv2dOp.Push f) =>
        f.KernelH == 3 && f.KernelW == 3 && f.PadH <= 2 && f.PadW <= 2 && Fits(recorder, Transposed(f));

    /// <summary>Records <c>y = conv(x, weight) + bias</c>.</summary>
    internal static void Forward(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor weight, Tensor? bias, Tensor y) =>
        Record(recorder, f, x, weight, flipped: false, bias, y, accumulate: false);

    /// <summary>Records the input gradient, the convolution of <paramref name="gradY"/> with the mirrored weights.</summary>
    internal static void InputGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate) =>
        Record(recorder, Transposed(f), gradY, weight, flipped: true, null, gradX, accumulate);

    /// <summary>The stride-1 convolution that computes the input gradient: from grad_y to grad_x, padding 2 - pad.</summary>
    private static Conv2dOp.Push Transposed(in Conv2dOp.Push f)
    {
        var t = f;
        t.Channels = f.OutChannels; t.Height = f.OutHeight; t.Width = f.OutWidth;
        t.OutChannels = f.Channels; t.OutHeight = f.Height; t.OutWidth = f.Width;
        t.PadH = 2 - f.PadH; t.PadW = 2 - f.PadW;
        return t;
    }

    private static long TileRowLength(in Conv2dOp.Push f) => ((f.OutWidth + 1) / 2 + 3) / 4 * 4;

    private static long TileRows(in Conv2dOp.Push f) => (f.OutHeight + 1) / 2;

    private static long Tiles(in Conv2dOp.Push f) => f.Batch * TileRows(f) * TileRowLength(f);

    private static bool Dispatchable(CommandRecorder recorder, in Conv2dOp.Push f)
    {
        var info = recorder.Device.Info;
        bool Addressable(long elements) => 4UL * (ulong)elements <= info.MaxStorageBufferRange && (ulong)elements / 4 <= info.MaxTexelBufferElements;
        var lanes = Gemm.LanesFor(info);
        return Addressable(Points * f.Channels * Tiles(f)) && Addressable(Points * f.OutChannels * Tiles(f)) &&
               Addressable((long)f.Batch * f.Channels * f.Height * f.Width) &&
               TileRows(f) <= MaxGroups && f.Batch * Math.Max(f.Channels, f.OutChannels) <= MaxGroups &&
               Groups.CeilDiv(TileRowLength(f) / 4, lanes) <= MaxGroups &&
               Groups.CeilDiv(f.OutChannels * f.Channels, WeightGroupSize) <= MaxGroups;
    }

    private static void Record(CommandRecorder recorder, Conv2dOp.Push f, Tensor input, Tensor weight, bool flipped, Tensor? bias, Tensor output,
        bool accumulate)
    {
        var device = recorder.Device;
        var lanes = Gemm.LanesFor(device.Info);
        int rows = (int)f.OutChannels, cols = (int)f.Channels, tiles = (int)Tiles(f);
        var pushBytes = Marshal.SizeOf<Conv2dOp.Push>();

        var u = device.Scratch.Allocate(output.Name + ".winograd_u", DType.F32, Points, rows, cols);
        recorder.Dispatch(device.GetKernel(new KernelSpec("conv2d_winograd_weights", 2, pushBytes, WeightGroupSize, SpecConstant.Bool(flipped))),
            (Groups.CeilDiv((long)rows * cols, WeightGroupSize), 1u, 1u), f, Binding.Read(weight), Binding.Write(u));

        var quadGroups = Groups.CeilDiv(TileRowLength(f) / 4, lanes);
        var v = device.Scratch.Allocate(output.Name + ".winograd_v", DType.F32, Points, cols, tiles);
        recorder.Dispatch(device.GetKernel(new KernelSpec("conv2d_winograd_input", 2, pushBytes, lanes)),
            (quadGroups, (uint)TileRows(f), f.Batch * f.Channels), f, Binding.Read(input), Binding.Write(v));

        var products = device.Scratch.Allocate(output.Name + ".winograd_m", DType.F32, Points, rows, tiles);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(u, false, (long)rows * cols, v, false, (long)cols * tiles, products, null,
            rows, tiles, cols, Points, 1, false), GemmPath.RegisterBlocked);

        f.Flags = (bias is not null ? FlagBias : 0) | (accumulate ? FlagAccumulate : 0);
        recorder.Dispatch(device.GetKernel(new KernelSpec("conv2d_winograd_output", 3, pushBytes, lanes)),
            (quadGroups, (uint)TileRows(f), f.Batch * f.OutChannels), f,
            Binding.Read(products), Binding.Read(bias ?? weight), accumulate ? Binding.ReadWrite(output) : Binding.Write(output));
    }
}
