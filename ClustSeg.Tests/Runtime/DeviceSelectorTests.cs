using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Runtime;

public class DeviceSelectorTests
{
    private static DeviceInfo Device(int index, string name, DeviceKind kind, string uuid, ulong gib = 4) => new()
    {
        Index = index, Name = name, Kind = kind, Uuid = uuid,
        Heaps = [new MemoryHeapInfo(gib << 30, true)],
    };

    private static readonly DeviceInfo[] Fabricated =
    [
        Device(0, "llvmpipe (LLVM 15.0.6, 256 bits)", DeviceKind.Cpu, "11"),
        Device(1, "Intel(R) UHD Graphics 630", DeviceKind.Integrated, "22"),
        Device(2, "NVIDIA GeForce RTX 3060", DeviceKind.Discrete, "33", 12),
        Device(3, "NVIDIA GeForce RTX 3060", DeviceKind.Discrete, "33", 12), // same GPU through a second ICD
        Device(4, "Virtual GPU", DeviceKind.Virtual, "44"),
    ];

    [Fact]
    public void PrefersDiscreteOverIntegratedOverVirtualOverCpu()
    {
        Assert.Equal(2, DeviceSelector.Choose(Fabricated, null).Index);
        Assert.Equal(1, DeviceSelector.Choose(Fabricated.Where(d => d.Kind != DeviceKind.Discrete).ToList(), null).Index);
        Assert.Equal(4, DeviceSelector.Choose(Fabricated.Where(d => d.Index is 0 or 4).ToList(), null).Index);
        Assert.Equal(0, DeviceSelector.Choose([Fabricated[0]], null).Index);
    }

    [Fact]
    public void AmongEqualKindsPrefersMoreMemory()
    {
        var small = Device(0, "A", DeviceKind.Discrete, "a", 4);
        var large = Device(1, "B", DeviceKind.Discrete, "b", 16);
        Assert.Equal(1, DeviceSelector.Choose([small, large], null).Index);
    }

    [Fact]
    public void DeduplicatesByUuidKeepingTheFirst()
    {
        var unique = DeviceSelector.Deduplicate(Fabricated);
        Assert.Equal([0, 1, 2, 4], unique.Select(d => d.Index));
    }

    [Fact]
    public void ZeroUuidsAreNotTreatedAsDuplicates()
    {
        var a = Device(0, "A", DeviceKind.Cpu, "00000000");
        var b = Device(1, "B", DeviceKind.Cpu, "00000000");
        Assert.Equal(2, DeviceSelector.Deduplicate([a, b]).Count);
    }

    [Fact]
    public void ExplicitIndexAndNameSubstringWin()
    {
        Assert.Equal(0, DeviceSelector.Choose(Fabricated, "0").Index);
        Assert.Equal(1, DeviceSelector.Choose(Fabricated, "intel").Index);
        Assert.Equal(0, DeviceSelector.Choose(Fabricated, "LLVMPIPE").Index);
    }

    [Fact]
    public void UnknownRequestNamesTheAvailableDevices()
    {
        var byIndex = Assert.Throws<NoDeviceException>(() => DeviceSelector.Choose(Fabricated, "9"));
        Assert.Contains("index 9", byIndex.Message);
        Assert.Contains("2: NVIDIA GeForce RTX 3060", byIndex.Message);
        var byName = Assert.Throws<NoDeviceException>(() => DeviceSelector.Choose(Fabricated, "radeon"));
        Assert.Contains("'radeon'", byName.Message);
        Assert.Contains("--device", byName.Message);
    }

    [Fact]
    public void EmptyListExplainsWhatToInstall()
    {
        var e = Assert.Throws<NoDeviceException>(() => DeviceSelector.Choose([], null));
        Assert.Contains("No Vulkan device", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
    }
}
