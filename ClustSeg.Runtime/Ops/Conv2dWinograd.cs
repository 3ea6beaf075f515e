using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// 3x3 stride-1 convolutions as Winograd convolutions on CPU devices. F(4x4, 3x3) computes each 4x4 output tile from
/// 36 products per (input, output) channel pair instead of 144 multiplications, F(2x2, 3x3) each 2x2 tile from 16
/// instead of 36, so the GEMM at the centre does 4 or 2.25 times less work than im2col's. The weights are transformed
/// (conv2d_winograd_weights.comp, U[points][O][C]), the input is cut into overlapping patches of (tile + 2)^2 and
/// transformed (conv2d_winograd_input.comp, conv2d_winograd4_input.comp: V[points][C][tiles]), one batched GEMM per
/// transform point gives M[points][O][tiles] = U V on the vec4 register-blocked kernel, and the output transform
/// (conv2d_winograd_output.comp, conv2d_winograd4_output.comp) folds each tile's products back into its outputs, bias
/// and accumulation included. The input gradient of such a convolution is again one (of grad_y with mirrored,
/// channel-swapped weights), so it runs the same way. Widths need not be multiples of 4: the tiles cover any size.
/// The three temporaries come from <c>Device.Scratch</c>; V and M are 2.25 (F4) or 4 (F2) times the size of the
/// input and output, so maps whose transforms one binding cannot address take the other paths. The transforms' sums
/// and fractions round differently from the direct sum; the tests hold both variants to the same 1e-5 relative error
/// as every other path.
/// </summary>
internal static class Conv2dWinograd
{
    private const uint WeightGroupSize = 64;
    private const uint FlagBias = 1, FlagAccumulate = 2;
    private const int MaxGroups = 65535;

    /// <summary>
    /// Whether the forward convolution runs here: a CPU device; one group; 3x3, stride 1, dilation 1, padding at most 2;
    /// channel counts in multiples of 4 (the GEMM's rows of U and columns of V are read as vec4s); a variant whose
    /// conditions hold (<see cref="Choose"/>); transforms that fit a binding.
    /// </summary>
    internal static bool Fits(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Conv2dVec4.Suits(recorder) && f.Groups == 1 && f.KernelH == 3 && f.KernelW == 3 && f.StrideH == 1 && f.StrideW == 1 &&
        f.DilationH == 1 && f.DilationW == 1 && f.PadH <= 2 && f.PadW <= 2 && f.Channels % 4 == 0 && f.OutChannels % 4 == 0 &&
        f.OutHeight > 0 && f.OutWidth > 0 && Choose(recorder, f) is { } v && Dispatchable(recorder, f, v);

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

    /// <summary>
    /// One Winograd transform, F(tile x tile, 3x3): (tile + 2)^2 products per tile of tile^2 outputs, i.e. 4 (F2) or
    /// 2.25 (F4) multiplications per output and channel pair against 9. Below <paramref name="MinChannels"/> input
    /// channels, the GEMM's short reduction no longer pays for the transforms.
    /// </summary>
    private sealed record Variant(int Tile, uint MinChannels, string InputKernel, string OutputKernel)
    {
        public int Points => (Tile + 2) * (Tile + 2);
    }

    // Measured on lavapipe (BENCHMARKS.md, eighth session): F4 against F2, 64 -> 64 at 128x128, 13.0-13.1 against
    // 18.5-18.8 ms forward; 32 -> 32 at 481x321, F4 51-57 ms against 74-98 ms for the direct kernel on widened rows,
    // where F2 gained nothing (66-70 against 72-73 ms).
    private static readonly Variant F2 = new(2, 64, "conv2d_winograd_input", "conv2d_winograd_output");
    private static readonly Variant F4 = new(4, 32, "conv2d_winograd4_input", "conv2d_winograd4_output");

    private static readonly Variant[] ByPreference = [F4, F2];

    /// <summary>F4 where the map has enough 4x4 tiles, else F2 where it has enough 2x2 tiles, else none.</summary>
    private static Variant? Choose(CommandRecorder recorder, in Conv2dOp.Push f)
    {
        foreach (var v in ByPreference)
            if (f.Channels >= v.MinChannels && Tiles(f, v) >= MinTileColumns(recorder)) return v;
        return null;
    }

    private static long TileRowLength(in Conv2dOp.Push f, Variant v) => ((f.OutWidth + v.Tile - 1) / v.Tile + 3) / 4 * 4;

    private static long TileRows(in Conv2dOp.Push f, Variant v) => (f.OutHeight + v.Tile - 1) / v.Tile;

    private static long Tiles(in Conv2dOp.Push f, Variant v) => f.Batch * TileRows(f, v) * TileRowLength(f, v);

    private static bool Dispatchable(CommandRecorder recorder, in Conv2dOp.Push f, Variant v)
    {
        var info = recorder.Device.Info;
        bool Addressable(long elements) => 4UL * (ulong)elements <= info.MaxStorageBufferRange && (ulong)elements / 4 <= info.MaxTexelBufferElements;
        var lanes = Gemm.LanesFor(info);
        return Addressable(v.Points * f.Channels * Tiles(f, v)) && Addressable(v.Points * f.OutChannels * Tiles(f, v)) &&
               Addressable((long)f.Batch * f.Channels * f.Height * f.Width) &&
               TileRows(f, v) <= MaxGroups && f.Batch * Math.Max(f.Channels, f.OutChannels) <= MaxGroups &&
               Groups.CeilDiv(TileRowLength(f, v) / 4, lanes) <= MaxGroups &&
               Groups.CeilDiv(f.OutChannels * f.Channels, WeightGroupSize) <= MaxGroups;
    }

    private static void Record(CommandRecorder recorder, Conv2dOp.Push f, Tensor input, Tensor weight, bool flipped, Tensor? bias, Tensor output,
        bool accumulate)
    {
        var v = Choose(recorder, f) ?? throw new InvalidOperationException("Conv2dWinograd ran on a convolution that Fits rejects.");
        var device = recorder.Device;
        var lanes = Gemm.LanesFor(device.Info);
        int rows = (int)f.OutChannels, cols = (int)f.Channels, tiles = (int)Tiles(f, v);
        var pushBytes = Marshal.SizeOf<Conv2dOp.Push>();

        var u = device.Scratch.Allocate(output.Name + ".winograd_u", DType.F32, v.Points, rows, cols);
        recorder.Dispatch(device.GetKernel(new KernelSpec("conv2d_winograd_weights", 2, pushBytes, WeightGroupSize, SpecConstant.Bool(flipped),
                SpecConstant.Bool(v == F4))),
            (Groups.CeilDiv((long)rows * cols, WeightGroupSize), 1u, 1u), f, Binding.Read(weight), Binding.Write(u));

        var quadGroups = Groups.CeilDiv(TileRowLength(f, v) / 4, lanes);
        var transformed = device.Scratch.Allocate(output.Name + ".winograd_v", DType.F32, v.Points, cols, tiles);
        recorder.Dispatch(device.GetKernel(new KernelSpec(v.InputKernel, 2, pushBytes, lanes)),
            (quadGroups, (uint)TileRows(f, v), f.Batch * f.Channels), f, Binding.Read(input), Binding.Write(transformed));

        var products = device.Scratch.Allocate(output.Name + ".winograd_m", DType.F32, v.Points, rows, tiles);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(u, false, (long)rows * cols, transformed, false, (long)cols * tiles, products, null,
            rows, tiles, cols, v.Points, 1, false), GemmPath.RegisterBlocked);

        f.Flags = (bias is not null ? FlagBias : 0) | (accumulate ? FlagAccumulate : 0);
        recorder.Dispatch(device.GetKernel(new KernelSpec(v.OutputKernel, 3, pushBytes, lanes)),
            (quadGroups, (uint)TileRows(f, v), f.Batch * f.OutChannels), f,
            Binding.Read(products), Binding.Read(bias ?? weight), accumulate ? Binding.ReadWrite(output) : Binding.Write(output));
    }
}
