namespace ClustSeg.Runtime.Vulkan;

/// <summary>How to open a <see cref="GpuDevice"/>.</summary>
public sealed class GpuDeviceOptions
{
    /// <summary>Device index or name substring; null falls back to CLUSTSEG_DEVICE, then to the best device.</summary>
    public string? Device { get; init; }

    /// <summary>Enable the Khronos validation layer (tests, --validate).</summary>
    public bool Validate { get; init; }

    /// <summary>
    /// With <see cref="Validate"/>, also check synchronization (barriers between dispatches and transfers): slower,
    /// for the test suite.
    /// </summary>
    public bool SynchronizationValidation { get; init; }

    /// <summary>Receives validation messages; without it they are printed to stderr.</summary>
    public Action<ValidationMessage>? OnValidationMessage { get; init; }

    /// <summary>
    /// Folder for the on-disk pipeline cache; null uses the per-user cache folder, an empty string disables it.
    /// </summary>
    public string? PipelineCacheDirectory { get; init; }

    /// <summary>Cap on device memory ClustSeg reserves; null means the device-local heap size.</summary>
    public ulong? MemoryLimitBytes { get; init; }

    /// <summary>Size of each arena block (larger tensors get a block of their own).</summary>
    public ulong BlockSizeBytes { get; init; } = 256UL << 20;

    /// <summary>Dispatches per command buffer before a recording is split into another submit (desktop watchdogs).</summary>
    public int MaxDispatchesPerSubmit { get; init; } = 2048;

    /// <summary>
    /// Move data through a staging buffer even where device memory is host-visible. Discrete GPUs always do; this
    /// exercises that path on unified-memory and CPU devices (tests).
    /// </summary>
    public bool ForceStagingTransfers { get; init; }

    /// <summary>The per-user default pipeline cache folder.</summary>
    public static string DefaultPipelineCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "clustseg", "pipelines");
    }
}
