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
    public static GpuDevice OpenDevice(ParseResult parse) => GpuDevice.Create(DeviceOptions(parse.GetValue(Device), parse.GetValue(Validate)));

    /// <summary>
    /// Options for <paramref name="device"/>: validated when asked, and with synchronization validation as well when
    /// <see cref="CliApp.ValidationSink"/> is set (the test suite).
    /// </summary>
    public static GpuDeviceOptions DeviceOptions(string? device, bool validate) => new()
    {
        Device = device,
        Validate = validate || CliApp.ValidationSink is not null,
        SynchronizationValidation = CliApp.ValidationSink is not null,
        OnValidationMessage = CliApp.ValidationSink,
    };
}
