using ClustSeg.Runtime.Errors;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Vulkan;

/// <summary>Turns Vulkan result codes into the typed errors a user can act on.</summary>
internal static class VkCheck
{
    public static void Ok(Result result, string call)
    {
        if (result == Result.Success) return;
        throw result switch
        {
            Result.ErrorDeviceLost => new DeviceLostException(call),
            _ => new VulkanCallException(call, result.ToString()),
        };
    }
}
