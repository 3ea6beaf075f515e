using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Bench;

/// <summary>One timed kernel at one size: <see cref="Prepare"/> allocates its tensors and returns what to record.</summary>
/// <param name="Kernel">Kernel name as reported.</param>
/// <param name="Shape">Problem size as text.</param>
/// <param name="Flops">Floating-point operations per run (0 for bandwidth-bound kernels).</param>
/// <param name="Bytes">Bytes read and written per run, reported as GB/s when <paramref name="Flops"/> is 0.</param>
/// <param name="Prepare">Allocates inputs in the device's scratch arena and returns the recording.</param>
internal sealed record KernelCase(string Kernel, string Shape, double Flops, double Bytes, Func<GpuDevice, Action<CommandRecorder>> Prepare);

/// <summary>The kernels and sizes `clustseg-cli bench kernels` times.</summary>
internal static class KernelCases
{
    /// <summary>The cases; <paramref name="quick"/> shrinks every size (smoke tests, a first look at a new device).</summary>
    public static IEnumerable<KernelCase> All(GpuDevice device, bool quick = false)
    {
        var native = MatmulOp.ResolvePath(device);
        var other = native == GemmPath.RegisterBlocked ? GemmPath.SharedTiled : GemmPath.RegisterBlocked;
        var s = quick ? 8 : 1; // divisor of the linear sizes
        int g = 1024 / s, image = 128 / s, channels = 64 / s;
        yield return Matmul(g, g, g, false, false, 1, native);
        yield return Matmul(g, g, g, false, true, 1, native);
        yield return Matmul(g, g, g, true, false, 1, native);
        yield return Matmul(g, g, g, false, false, 1, other);
        yield return Matmul(4096 / s, 256 / s, 256 / s, false, true, 1, native); // a linear layer over 4096 tokens
        yield return Matmul(g, g, 64, false, true, 8, native);                   // attention scores Q K^T, 8 heads
        yield return Matmul(206 / s, 64 / s, 256 / s, false, true, 1, native);   // clustseg-tiny's decoder FFN output layer, 2 x 103 centres
        // The heads' mask logits (103 queries x 64 dims x a 64x64 stride-4 plane) and the two GEMMs of its backward.
        yield return Matmul(103 / s, 4096 / s, 64 / s, false, false, 1, native);
        yield return Matmul(103 / s, 64 / s, 4096 / s, false, true, 1, native);
        yield return Matmul(64 / s, 4096 / s, 103 / s, true, false, 1, native);
        yield return Conv(1, channels, image, image, channels, 3, Conv2dGeometry.Square(1, 1), "forward");
        yield return Conv(1, channels, image, image, channels, 3, Conv2dGeometry.Square(1, 1), "forward_inference");
        yield return Conv(1, channels, image, image, channels, 3, Conv2dGeometry.Square(1, 1), "backward_input");
        yield return Conv(1, channels, image, image, channels, 3, Conv2dGeometry.Square(1, 1), "backward_weight");
        yield return Conv(1, channels, image, image, 2 * channels, 3, Conv2dGeometry.Square(2, 1), "forward"); // stage transition
        yield return Conv(1, channels, image, image, 2 * channels, 3, Conv2dGeometry.Square(2, 1), "backward_input");
        yield return Conv(1, channels, image, image, 2 * channels, 3, Conv2dGeometry.Square(2, 1), "backward_weight");
        yield return Conv(2, 256 / s, 64 / s, 64 / s, channels, 1, Conv2dGeometry.Square(), "forward");
        yield return Conv(1, 2 * channels, image, image, 2 * channels, 3, Conv2dGeometry.Square(1, 1, 1, 2 * channels), "forward"); // depthwise
        // The trained superpixel model's pixel CNN on a BSDS500 picture (481 wide: no whole vec4 rows).
        yield return Conv(1, 32, 321 / s, 481 / s, 32, 3, Conv2dGeometry.Square(1, 1), "forward_inference", "conv2d_superpixel_");
        // clustseg-tiny's convolutions at a 128x128 input where the direct kernels parallelise badly: the stride-32 stage
        // (4x4 maps, 8x8 at 256), the stride-2 stage transition and the stem (3 input channels, stride 2).
        foreach (var pass in new[] { "forward", "backward_input", "backward_weight" })
        {
            yield return Conv(1, 256 / s, 4, 4, 256 / s, 3, Conv2dGeometry.Square(1, 1), pass, "conv2d_tiny_");
            yield return Conv(1, 256 / s, 8, 8, 256 / s, 3, Conv2dGeometry.Square(1, 1), pass, "conv2d_tiny_");
            yield return Conv(1, 128 / s, 16, 16, 128 / s, 3, Conv2dGeometry.Square(1, 1), pass, "conv2d_tiny_");
            yield return Conv(1, 128 / s, 8, 8, 256 / s, 3, Conv2dGeometry.Square(2, 1), pass, "conv2d_tiny_");
            yield return Conv(1, 32 / s, 64 / s, 64 / s, 32 / s, 3, Conv2dGeometry.Square(2, 1), pass, "conv2d_tiny_");
            yield return Conv(1, 64 / s, 64 / s, 64 / s, 64 / s, 3, Conv2dGeometry.Square(1, 1), pass, "conv2d_tiny_"); // pixel decoder output.0 at 256
            if (pass != "backward_input") yield return Conv(1, 3, 128 / s, 128 / s, 32 / s, 3, Conv2dGeometry.Square(2, 1), pass, "conv2d_tiny_");
        }
    }

    private static string Letter(bool transposed) => transposed ? "T" : "N";

    private static KernelCase Matmul(int m, int n, int k, bool ta, bool tb, int batch, GemmPath path)
    {
        var name = $"matmul_{Letter(ta)}{Letter(tb)}" + (path == GemmPath.RegisterBlocked ? "/blocked" : "/tiled");
        var shape = (batch > 1 ? $"{batch}x" : "") + $"{m}x{n}x{k}";
        return new KernelCase(name, shape, 2.0 * batch * m * n * k, 4.0 * batch * (m * k + k * n + m * n), device =>
        {
            int[] Batched(int rows, int cols) => batch > 1 ? [batch, rows, cols] : [rows, cols];
            var a = Random(device, "a", ta ? Batched(k, m) : Batched(m, k));
            var b = Random(device, "b", tb ? Batched(n, k) : Batched(k, n));
            var c = device.Scratch.Allocate("c", DType.F32, Batched(m, n));
            return recorder => recorder.Matmul(a, b, c, ta, tb, path: path);
        });
    }

    private static KernelCase Conv(int n, int c, int h, int w, int o, int kernel, Conv2dGeometry g, string pass, string prefix = "conv2d_")
    {
        var (oh, ow) = g.OutputSize(h, w, kernel, kernel);
        var macs = (double)n * o * oh * ow * (c / g.Groups) * kernel * kernel;
        var depthwise = g.Groups > 1 && g.Groups == c;
        var bytes = 4.0 * (n * c * h * w + o * (c / g.Groups) * kernel * kernel + n * o * oh * ow);
        var name = (depthwise ? "conv2d_depthwise_" : prefix) + pass;
        var shape = $"{n}x{c}x{h}x{w} -> {o} k{kernel} s{g.StrideH} p{g.PadH}";
        return new KernelCase(name, shape, depthwise ? 0 : 2 * macs, bytes, device =>
        {
            var x = Random(device, "x", n, c, h, w);
            var weight = Random(device, "w", o, c / g.Groups, kernel, kernel);
            var y = Random(device, "y", n, o, oh, ow);
            var grad = device.Scratch.Allocate("grad", DType.F32, pass == "backward_weight" ? [o, c / g.Groups, kernel, kernel] : [n, c, h, w]);
            return pass switch
            {
                "forward" => recorder => recorder.Conv2d(x, weight, null, y, g),
                // A recording with no backward to follow: the paths that keep nothing for one (Winograd, direct kernels).
                "forward_inference" => recorder =>
                {
                    recorder.RecordsBackward = false;
                    recorder.Conv2d(x, weight, null, y, g);
                },
                "backward_input" => recorder => recorder.Conv2dBackward(x, weight, y, grad, null, null, g),
                _ => recorder => recorder.Conv2dBackward(x, weight, y, null, grad, null, g),
            };
        });
    }

    private static Tensor Random(GpuDevice device, string name, params int[] shape)
    {
        var tensor = device.Scratch.Allocate(name, DType.F32, shape);
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal));
        var values = new float[tensor.ElementCount];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        device.Upload<float>(tensor, values);
        return tensor;
    }
}
