namespace ClustSeg.Runtime.Errors;

/// <summary>
/// Base of every error ClustSeg raises on purpose. <see cref="Exception.Message"/> says what went wrong and
/// <see cref="Fix"/> says what the user can do about it.
/// </summary>
public class ClustSegException : Exception
{
    /// <summary>Creates an error with a problem statement and a suggested fix.</summary>
    public ClustSegException(string problem, string fix, Exception? inner = null)
        : base(problem + (fix.Length > 0 ? " " + fix : ""), inner)
    {
        Problem = problem;
        Fix = fix;
    }

    /// <summary>What went wrong.</summary>
    public string Problem { get; }

    /// <summary>What to do about it.</summary>
    public string Fix { get; }
}

/// <summary>The Vulkan loader (libvulkan / vulkan-1.dll) could not be loaded.</summary>
public sealed class VulkanUnavailableException : ClustSegException
{
    /// <summary>Creates the error; the fix names what to install on the running OS.</summary>
    public VulkanUnavailableException(string detail, Exception? inner = null)
        : base($"The Vulkan loader could not be loaded ({detail}).", InstallAdvice(), inner)
    {
    }

    /// <summary>What to install on the current operating system for Vulkan to work.</summary>
    public static string InstallAdvice()
    {
        if (OperatingSystem.IsWindows())
            return "Install or update your GPU driver (it ships vulkan-1.dll), or the Vulkan Runtime from https://vulkan.lunarg.com.";
        if (OperatingSystem.IsMacOS())
            return "Install MoltenVK and the Vulkan loader: `brew install molten-vk vulkan-loader`, or the Vulkan SDK from https://vulkan.lunarg.com.";
        return "Install the loader and a driver: Debian/Ubuntu `sudo apt-get install libvulkan1 mesa-vulkan-drivers` " +
               "(mesa gives AMD/Intel GPUs and the lavapipe CPU device; for NVIDIA install the proprietary driver); " +
               "Fedora `sudo dnf install vulkan-loader mesa-vulkan-drivers`; Arch `sudo pacman -S vulkan-icd-loader vulkan-swrast`.";
    }
}

/// <summary>No Vulkan device is usable, or the requested device does not exist.</summary>
public sealed class NoDeviceException : ClustSegException
{
    /// <summary>Creates the error.</summary>
    public NoDeviceException(string problem, string fix) : base(problem, fix)
    {
    }
}

/// <summary>A tensor could not be placed in device memory.</summary>
public sealed class OutOfDeviceMemoryException : ClustSegException
{
    /// <summary>Creates the error for tensor <paramref name="tensorName"/>.</summary>
    public OutOfDeviceMemoryException(string tensorName, ulong requestedBytes, string problem, string fix)
        : base(problem, fix)
    {
        TensorName = tensorName;
        RequestedBytes = requestedBytes;
    }

    /// <summary>Name of the tensor whose allocation failed.</summary>
    public string TensorName { get; }

    /// <summary>Bytes that were asked for.</summary>
    public ulong RequestedBytes { get; }
}

/// <summary>The device stopped responding (driver reset, watchdog, or a kernel fault).</summary>
public sealed class DeviceLostException : ClustSegException
{
    /// <summary>Creates the error.</summary>
    public DeviceLostException(string during)
        : base($"The Vulkan device was lost during {during}.",
            "This usually means a submission ran too long for the driver's watchdog or a kernel read out of bounds. " +
            "Try a smaller batch or image size, update the GPU driver, and rerun with --validate to check for API misuse.")
    {
    }
}

/// <summary>A compute pipeline could not be created from a kernel's SPIR-V.</summary>
public sealed class PipelineCreationException : ClustSegException
{
    /// <summary>Creates the error for kernel <paramref name="kernel"/>.</summary>
    public PipelineCreationException(string kernel, string detail)
        : base($"Creating the compute pipeline for kernel '{kernel}' failed: {detail}.",
            "The kernel may use a feature this device lacks; run `clustseg-cli devices` to see its capabilities, " +
            "choose another device with --device, or report the device and driver version.")
    {
    }
}

/// <summary>A Vulkan call failed with an unexpected result code.</summary>
public sealed class VulkanCallException : ClustSegException
{
    /// <summary>Creates the error for the Vulkan function <paramref name="call"/>.</summary>
    public VulkanCallException(string call, string result)
        : base($"Vulkan call {call} failed with {result}.",
            "Rerun with --validate to get the validation layer's explanation, and update the GPU driver.")
    {
        Call = call;
        Result = result;
    }

    /// <summary>The failing Vulkan function.</summary>
    public string Call { get; }

    /// <summary>The result code it returned.</summary>
    public string Result { get; }
}

/// <summary>An operation got tensors whose shapes or dtypes do not fit together.</summary>
public sealed class ShapeMismatchException : ClustSegException
{
    /// <summary>Creates the error for operation <paramref name="operation"/>.</summary>
    public ShapeMismatchException(string operation, string problem)
        : base($"{operation}: {problem}", "Check the shapes passed to this operation (or the layer spec that produced them).")
    {
        Operation = operation;
    }

    /// <summary>The operation that refused its inputs.</summary>
    public string Operation { get; }
}
