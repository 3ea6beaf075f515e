using System.Collections.Concurrent;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Support;

/// <summary>
/// One validated Vulkan device shared by every GPU test (lavapipe in CI). Creation failure fails the tests: a suite
/// that skipped its Vulkan tests would pass without testing anything.
/// </summary>
public sealed class VulkanFixture : IDisposable
{
    private readonly ConcurrentQueue<ValidationMessage> _messages = new();

    public VulkanFixture()
    {
        Device = GpuDevice.Create(new GpuDeviceOptions
        {
            Validate = true,
            SynchronizationValidation = true,
            OnValidationMessage = m => _messages.Enqueue(m),
            PipelineCacheDirectory = "",
        });
    }

    public GpuDevice Device { get; }

    /// <summary>Removes and returns the validation messages gathered so far.</summary>
    public IReadOnlyList<ValidationMessage> TakeMessages()
    {
        var list = new List<ValidationMessage>();
        while (_messages.TryDequeue(out var m)) list.Add(m);
        return list;
    }

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class VulkanCollection : ICollectionFixture<VulkanFixture>
{
    public const string Name = "Vulkan";
}

/// <summary>
/// Base of tests that use the device: the scratch arena is reset between tests, and any validation message raised
/// during a test fails it.
/// </summary>
[Collection(VulkanCollection.Name)]
public abstract class VulkanTest : IDisposable
{
    protected VulkanTest(VulkanFixture fixture)
    {
        Fixture = fixture;
        fixture.TakeMessages();
        fixture.Device.Scratch.Reset();
    }

    protected VulkanFixture Fixture { get; }
    protected GpuDevice Device => Fixture.Device;

    public virtual void Dispose()
    {
        var messages = Fixture.TakeMessages();
        Device.Scratch.Reset();
        if (messages.Count > 0)
            throw new Xunit.Sdk.XunitException("Vulkan validation reported:\n" + string.Join("\n", messages));
        GC.SuppressFinalize(this);
    }
}
