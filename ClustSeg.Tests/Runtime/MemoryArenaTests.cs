using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Memory;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Runtime;

public sealed class MemoryArenaTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void TensorsAreAlignedNonOverlappingSlicesOfFewBlocks()
    {
        var tensors = Enumerable.Range(1, 50).Select(i => Device.Scratch.Allocate($"t{i}", DType.F32, i * 7)).ToList();
        var alignment = Math.Max(Device.Info.MinStorageBufferOffsetAlignment, 1);
        Assert.All(tensors, t => Assert.Equal(0UL, t.Offset % alignment));
        foreach (var group in tensors.GroupBy(t => t.Block.Id))
        {
            var sorted = group.OrderBy(t => t.Offset).ToList();
            for (var i = 1; i < sorted.Count; i++) Assert.True(sorted[i - 1].Offset + sorted[i - 1].ByteSize <= sorted[i].Offset);
        }
        Assert.Single(tensors.Select(t => t.Block.Id).Distinct());
    }

    [Fact]
    public void ResetReusesMemoryAndInvalidatesOldTensors()
    {
        var first = Device.Scratch.Allocate("old", DType.F32, 100);
        var reserved = Device.Scratch.BytesReserved;
        Device.Scratch.Reset();
        var second = Device.Scratch.Allocate("new", DType.F32, 100);
        Assert.Equal(reserved, Device.Scratch.BytesReserved);
        Assert.Equal(first.Offset, second.Offset);
        Assert.False(first.IsAlive);
        var e = Assert.Throws<ObjectDisposedException>(() => Device.Download<float>(first));
        Assert.Contains("'old'", e.Message);
    }

    [Fact]
    public void ARangeUploadWritesOnlyItsElements()
    {
        var tensor = Device.Scratch.Allocate("range", DType.F32, 2, 5);
        Device.Upload<float>(tensor, Enumerable.Repeat(-1f, 10).ToArray());
        Device.Upload<float>(tensor, 3, [7f, 8f, 9f]); // an offset no storage binding could start at
        Assert.Equal([-1f, -1f, -1f, 7f, 8f, 9f, -1f, -1f, -1f, -1f], Device.Download<float>(tensor));
        var e = Assert.Throws<ArgumentException>(() => Device.Upload<float>(tensor, 8, [1f, 2f, 3f]));
        Assert.Contains("holds 10", e.Message);
    }

    [Fact]
    public void ReleasedRangesAreReusedAndMerged()
    {
        var a = Device.Persistent.Allocate("a", DType.F32, 1000);
        var b = Device.Persistent.Allocate("b", DType.F32, 1000);
        var inUse = Device.Persistent.BytesInUse;
        Device.Persistent.Release(a);
        Device.Persistent.Release(b);
        var c = Device.Persistent.Allocate("c", DType.F32, 1900); // fits only in the merged hole
        Assert.Equal(a.Offset, c.Offset);
        Device.Persistent.Release(c);
        Assert.True(Device.Persistent.BytesInUse < inUse);
    }

    [Fact]
    public void ReleasingTwiceOrThroughAViewFreesOnce()
    {
        var a = Device.Persistent.Allocate("a", DType.F32, 100);
        var view = a.Reshape(10, 10);
        var inUse = Device.Persistent.BytesInUse;
        Device.Persistent.Release(view);
        Assert.False(a.IsAlive);
        Assert.False(view.IsAlive);
        Device.Persistent.Release(a);
        Device.Persistent.Release(view);
        Assert.True(Device.Persistent.BytesInUse < inUse);
        var b = Device.Persistent.Allocate("b", DType.F32, 100);
        var c = Device.Persistent.Allocate("c", DType.F32, 100);
        Assert.NotEqual(b.Offset, c.Offset);
        Device.Persistent.Release(b);
        Device.Persistent.Release(c);
        Assert.Throws<ObjectDisposedException>(() => Device.Upload<float>(a, new float[100]));
    }

    [Fact]
    public void OutOfMemoryNamesTheTensorTheSizeAndTheLimit()
    {
        using var device = GpuDevice.Create(new GpuDeviceOptions { PipelineCacheDirectory = "", MemoryLimitBytes = 8UL << 20, BlockSizeBytes = 4UL << 20 });
        device.Scratch.Allocate("fits", DType.F32, 1 << 20);
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => device.Scratch.Allocate("decoder.layers.2.attn", DType.F32, 3 << 20));
        Assert.Equal("decoder.layers.2.attn", e.TensorName);
        Assert.Equal(12UL << 20, e.RequestedBytes);
        Assert.Contains("'decoder.layers.2.attn'", e.Message);
        Assert.Contains("12.0 MiB", e.Message);
        Assert.Contains("memory limit of 8.0 MiB", e.Message);
        Assert.Contains("batch size", e.Fix);
    }

    [Fact]
    public void TensorsLargerThanOneBindingAreRefusedClearly()
    {
        var tooMany = (int)(Device.Info.MaxStorageBufferRange / 4) + 1;
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => Device.Scratch.Allocate("huge", DType.F32, tooMany));
        Assert.Contains("maxStorageBufferRange", e.Message);
    }

    [Fact]
    public void TransfersCheckTypeAndLength()
    {
        var t = Device.Scratch.Allocate("t", DType.F32, 4);
        Assert.Contains("holds 4", Assert.Throws<ArgumentException>(() => Device.Upload<float>(t, new float[3])).Message);
        Assert.Contains("dtype is F32", Assert.Throws<ArgumentException>(() => Device.Upload<int>(t, new int[4])).Message);
        var i = Device.Scratch.Allocate("i", DType.I32, 3);
        Device.Upload<int>(i, [-1, 0, 7]);
        Assert.Equal([-1, 0, 7], Device.Download<int>(i));
    }
}

[Collection(VulkanCollection.Name)]
public class StagingTransferTests
{
    [Fact]
    public unsafe void UploadAndDownloadThroughStagingAsOnADiscreteGpu()
    {
        var messages = new List<ValidationMessage>();
        using var device = GpuDevice.Create(new GpuDeviceOptions { Validate = true, PipelineCacheDirectory = "", ForceStagingTransfers = true, OnValidationMessage = messages.Add });
        var data = Enumerable.Range(0, 12345).Select(i => i * 0.25f).ToArray();
        var t = device.Scratch.Allocate("t", DType.F32, data.Length);
        Assert.Equal(0UL, (ulong)t.Block.Mapped);
        device.Upload<float>(t, data);
        Assert.Equal(data, device.Download<float>(t));
        Assert.Empty(messages);
    }
}

public class DeviceBlockPlacementTests
{
    [Fact]
    public unsafe void FirstFitHonoursAlignmentAndCoalescesOnFree()
    {
        var block = new DeviceBlock(default, default, 1024, null, 0);
        Assert.Equal(0UL, block.TryPlace(10, 64));
        Assert.Equal(64UL, block.TryPlace(100, 64));
        Assert.Equal(192UL, block.TryPlace(64, 64));
        Assert.Null(block.TryPlace(1024, 64));
        block.Free(64, 100);
        block.Free(0, 10);
        Assert.Equal(0UL, block.TryPlace(150, 64)); // the two freed holes merged
    }
}
