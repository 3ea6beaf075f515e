using System.CommandLine;
using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli devices`: lists Vulkan devices with their capabilities and marks the one ClustSeg would use.</summary>
internal static class DevicesCommand
{
    private static readonly Option<bool> Check = new("--check")
    {
        Description = "Also run a small compute dispatch on each device and verify its result.",
    };

    public static Command Create()
    {
        var command = new Command("devices",
            "List every Vulkan device with its capability summary; `*` marks the one ClustSeg would use.\n" +
            "Choose another with --device INDEX|NAME or the CLUSTSEG_DEVICE environment variable.");
        command.Options.Add(Check);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output)
    {
        var options = GlobalOptions.DeviceOptions(null, parse.GetValue(GlobalOptions.Validate));
        using var instance = new GpuInstance(options.Validate, options.OnValidationMessage, options.SynchronizationValidation);
        var devices = instance.EnumerateDevices();
        var chosen = DeviceSelector.ChooseWithEnvironment(devices, parse.GetValue(GlobalOptions.Device));
        output.WriteLine($"{devices.Count} Vulkan device(s):");
        foreach (var d in devices)
        {
            var mark = d.Index == chosen.Index ? "*" : " ";
            output.WriteLine($"{mark} {d.Index}: {d.Name}");
            output.WriteLine($"      type {d.Kind.ToString().ToLowerInvariant()}, vendor 0x{d.VendorId:x4}, device 0x{d.DeviceId:x4}, " +
                             $"driver {(d.DriverName.Length > 0 ? d.DriverName : "?")} {d.DriverInfo}, Vulkan {d.ApiVersion}");
            output.WriteLine("      memory heaps: " + string.Join(", ", d.Heaps.Select(h =>
                $"{h.SizeBytes / (1024.0 * 1024 * 1024):0.0} GiB{(h.DeviceLocal ? " device-local" : "")}")));
            output.WriteLine($"      workgroup max {d.MaxWorkgroupSize.X}x{d.MaxWorkgroupSize.Y}x{d.MaxWorkgroupSize.Z}, " +
                             $"{d.MaxWorkgroupInvocations} invocations, shared memory {d.SharedMemoryBytes / 1024} KiB, subgroup {d.SubgroupSize}");
            output.WriteLine($"      fp16 {YesNo(d.Float16)}, int8 {YesNo(d.Int8)}, cooperative matrix {YesNo(d.CooperativeMatrix)}, " +
                             $"timestamps {YesNo(d.Timestamps)}" + (d.PortabilitySubset ? ", portability subset (MoltenVK)" : ""));
            output.WriteLine($"      max storage buffer {d.MaxStorageBufferRange / (1024 * 1024)} MiB, max allocation {d.MaxMemoryAllocationSize / (1024 * 1024)} MiB");
            if (parse.GetValue(Check)) output.WriteLine("      check: " + SelfCheck(d.Index.ToString(), parse.GetValue(GlobalOptions.Validate)));
        }
        return 0;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct ProbePush(uint count, float scale)
    {
        public readonly uint Count = count;
        public readonly float Scale = scale;
    }

    /// <summary>Runs probe.comp (specialization constant, push constants, two buffers) and verifies every element.</summary>
    private static string SelfCheck(string device, bool validate)
    {
        try
        {
            using var gpu = GpuDevice.Create(GlobalOptions.DeviceOptions(device, validate));
            const int n = 4097;
            var input = gpu.Scratch.Allocate("probe.in", DType.F32, n);
            var output = gpu.Scratch.Allocate("probe.out", DType.F32, n);
            gpu.Upload<float>(input, Enumerable.Range(0, n).Select(i => (float)i).ToArray());
            var kernel = gpu.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(0.5f)));
            using var recorder = gpu.BeginRecording();
            recorder.Dispatch(kernel, Groups.For1D(n, 64), new ProbePush(n, 2f), Binding.Read(input), Binding.Write(output));
            recorder.Submit();
            var result = gpu.Download<float>(output);
            for (var i = 0; i < n; i++)
                if (result[i] != 3f * i + 0.5f) return $"FAILED at element {i}: got {result[i]}, expected {3f * i + 0.5f}";
            return "ok (compute dispatch verified)";
        }
        catch (Exception e)
        {
            return "FAILED: " + e.Message;
        }
    }
}
