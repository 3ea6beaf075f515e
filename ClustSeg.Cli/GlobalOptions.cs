using System.CommandLine;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Device = new("--device", "-d")
    {
        Description = "Vulkan device to use: an index or part of a name from `clustseg-cli devices` " +
                      $"(default: ${DeviceSelector.EnvironmentVariable}, else the best device: discrete > integrated > virtual > CPU).",
        Recursive = true,
    };

    public static readonly Option<bool> Validate = new("--validate")
    {
        Description = "Enable the Khronos validation layer and print its messages (slow; for debugging).",
        Recursive = true,
    };

    /// <summary>Opens the device the user asked for.</summary>
    public static GpuDevice OpenDevice(ParseResult parse) => GpuDevice.Create(new GpuDeviceOptions
    {
        Device = parse.GetValue(Device),
        Validate = parse.GetValue(Validate),
    });
}
