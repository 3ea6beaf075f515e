using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Mesa's llvmpipe (the lavapipe CPU device) stops every loop of a shader invocation once that invocation has run
/// 65535 loop iterations in all: one counter (LP_MAX_TGSI_LOOP_ITERATIONS) is shared by every loop of the shader, nested
/// ones included, and when it runs out the loops simply exit, leaving the rest of the work undone without any error.
/// A GroupNorm of 8 lanes over a 4-channel group of a 481 x 321 picture (77,000 iterations per lane) left most of its
/// output unwritten this way. Host wrappers of kernels whose invocations loop over data therefore size the work per
/// invocation on CPU devices (wider workgroups, more invocations) and call <see cref="Check"/> with what remains.
/// </summary>
internal static class CpuLoopBudget
{
    /// <summary>
    /// Iterations one invocation may plan for its data loops: under 65535 with room for the constant-bounded loops
    /// (reduction trees, channel walks) that the compiler may not unroll.
    /// </summary>
    public const long Iterations = 60_000;

    /// <summary>Whether the device runs shaders on the CPU, where the limit applies.</summary>
    public static bool Applies(GpuDevice device) => device.Info.Kind == DeviceKind.Cpu;

    /// <summary>Whether <paramref name="iterations"/> per invocation fit (always true on GPUs).</summary>
    public static bool Fits(GpuDevice device, long iterations) => !Applies(device) || iterations <= Iterations;

    /// <summary>
    /// Refuses a dispatch whose invocations would loop <paramref name="iterations"/> times on a CPU device, naming the
    /// operation and the sizes (<paramref name="what"/>) instead of returning wrong numbers.
    /// </summary>
    public static void Check(GpuDevice device, string op, long iterations, string what)
    {
        if (Fits(device, iterations)) return;
        throw new ClustSegException(
            $"{op}: {what} needs {iterations:N0} loop iterations in one shader invocation, past the {Iterations:N0} that " +
            $"{device.Info.Name} runs before it silently stops a shader's loops (llvmpipe's per-invocation loop limit).",
            "Use a smaller image or batch, or a GPU device.");
    }
}
