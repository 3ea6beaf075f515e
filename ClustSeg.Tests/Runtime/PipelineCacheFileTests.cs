using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Vulkan;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Runtime;

public sealed class PipelineCacheFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-pc-").FullName;

    private PipelineCacheFile File(uint driver = 7, byte spirv = 1) =>
        new(_dir, 0x10de, 0x2330, driver, "00112233445566778899AABBCCDDEEFF", Enumerable.Repeat(spirv, 32).ToArray());

    [Fact]
    public void MissingThenHitAfterSave()
    {
        var file = File();
        Assert.Equal(PipelineCacheLoad.Missing, file.Load().Result);
        Assert.True(file.Save(new byte[] { 1, 2, 3, 4, 5 }));
        var (result, data) = File().Load();
        Assert.Equal(PipelineCacheLoad.Hit, result);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, data);
    }

    [Fact]
    public void OtherDriverOrShadersAreStale()
    {
        File().Save(new byte[] { 9 });
        Assert.Equal(PipelineCacheLoad.Stale, File(driver: 8).Load().Result);
        Assert.Equal(PipelineCacheLoad.Stale, File(spirv: 2).Load().Result);
    }

    [Fact]
    public void DamagedFilesAreCorruptNotErrors()
    {
        var file = File();
        file.Save(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var bytes = System.IO.File.ReadAllBytes(file.Path);
        bytes[^1] ^= 0xFF; // payload no longer matches its checksum
        System.IO.File.WriteAllBytes(file.Path, bytes);
        Assert.Equal(PipelineCacheLoad.Corrupt, file.Load().Result);
        System.IO.File.WriteAllBytes(file.Path, bytes[..20]); // truncated
        Assert.Equal(PipelineCacheLoad.Corrupt, file.Load().Result);
        System.IO.File.WriteAllText(file.Path, "not a cache");
        Assert.Equal(PipelineCacheLoad.Corrupt, file.Load().Result);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>The cache as the device uses it: a second open hits, a corrupt file is a miss and the device still works.</summary>
[Collection(VulkanCollection.Name)]
public sealed class DevicePipelineCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-devpc-").FullName;

    private readonly List<ValidationMessage> _messages = [];

    private GpuDevice Open() => GpuDevice.Create(new GpuDeviceOptions { Validate = true, PipelineCacheDirectory = _dir, OnValidationMessage = _messages.Add });

    [Fact]
    public void SecondOpenHitsAndCorruptFileIsAMiss()
    {
        string path;
        using (var first = Open())
        {
            Assert.Equal(PipelineCacheLoad.Missing, first.PipelineCacheLoad);
            first.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(1)));
            path = first.PipelineCachePath!;
        }
        Assert.True(System.IO.File.Exists(path));
        using (var second = Open())
            Assert.Equal(PipelineCacheLoad.Hit, second.PipelineCacheLoad);

        System.IO.File.WriteAllBytes(path, new byte[] { 0x43, 0x53, 0x45, 0x47, 1, 2, 3 });
        using var third = Open();
        Assert.Equal(PipelineCacheLoad.Corrupt, third.PipelineCacheLoad);
        Assert.NotNull(third.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(1))));
        Assert.Empty(_messages);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
