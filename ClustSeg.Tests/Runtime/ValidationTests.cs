using ClustSeg.Runtime.Vulkan;
using ClustSeg.Tests.Support;
using Silk.NET.Vulkan;

namespace ClustSeg.Tests.Runtime;

[Collection(VulkanCollection.Name)]
public sealed class ValidationTests
{
    [Fact]
    public unsafe void MisuseProducesAValidationMessageThatFailsATest()
    {
        var messages = new List<ValidationMessage>();
        using var device = GpuDevice.Create(new GpuDeviceOptions { Validate = true, PipelineCacheDirectory = "", OnValidationMessage = messages.Add });
        Assert.True(device.ValidationEnabled);
        // A zero-sized buffer violates VUID-VkBufferCreateInfo-size-00912.
        var create = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = 0, Usage = BufferUsageFlags.StorageBufferBit };
        Silk.NET.Vulkan.Buffer buffer;
        var result = device.Vk.CreateBuffer(device.Handle, &create, null, &buffer);
        if (result == Result.Success) device.Vk.DestroyBuffer(device.Handle, buffer, null);
        Assert.Contains(messages, m => m.Severity == ValidationSeverity.Error && m.Text.Contains("size", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheSharedTestDeviceIsValidated()
    {
        var fixtureDevice = new VulkanFixture();
        try
        {
            Assert.True(fixtureDevice.Device.ValidationEnabled);
            Assert.True(fixtureDevice.Device.SynchronizationValidationEnabled);
            if (Environment.GetEnvironmentVariable("CI") == "true")
                Assert.Equal(DeviceKind.Cpu, fixtureDevice.Device.Info.Kind); // CI has no GPU: lavapipe must be the device
        }
        finally
        {
            fixtureDevice.Dispose();
        }
    }
}
