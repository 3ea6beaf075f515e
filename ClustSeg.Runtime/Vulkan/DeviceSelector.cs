using System.Globalization;
using ClustSeg.Runtime.Errors;

namespace ClustSeg.Runtime.Vulkan;

/// <summary>
/// Picks the device ClustSeg runs on. Pure logic over <see cref="DeviceInfo"/> lists so the rules are testable
/// without hardware: discrete &gt; integrated &gt; virtual &gt; CPU, one entry per UUID, and an explicit request by
/// index or by a case-insensitive name substring wins.
/// </summary>
public static class DeviceSelector
{
    /// <summary>Environment variable consulted when no explicit request is given.</summary>
    public const string EnvironmentVariable = "CLUSTSEG_DEVICE";

    /// <summary>Removes devices that repeat an earlier device's UUID (one GPU exposed by two drivers or ICDs).</summary>
    public static IReadOnlyList<DeviceInfo> Deduplicate(IEnumerable<DeviceInfo> devices)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<DeviceInfo>();
        foreach (var d in devices)
        {
            // An all-zero or empty UUID says nothing about identity; keep such devices.
            var meaningful = d.Uuid.Length > 0 && d.Uuid.Any(c => c != '0');
            if (!meaningful || seen.Add(d.Uuid)) result.Add(d);
        }
        return result;
    }

    /// <summary>
    /// Chooses a device. <paramref name="request"/> is an index into <paramref name="devices"/>' <see cref="DeviceInfo.Index"/>
    /// values or a name substring; null or empty means "the best by kind, then by device-local memory".
    /// </summary>
    /// <exception cref="NoDeviceException">The list is empty or the request matches nothing.</exception>
    public static DeviceInfo Choose(IReadOnlyList<DeviceInfo> devices, string? request)
    {
        if (devices.Count == 0)
            throw new NoDeviceException("No Vulkan device was found.", VulkanUnavailableException.InstallAdvice());

        var list = string.Join("; ", devices.Select(d => $"{d.Index}: {d.Name}"));
        if (!string.IsNullOrWhiteSpace(request))
        {
            request = request.Trim();
            if (int.TryParse(request, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return devices.FirstOrDefault(d => d.Index == index)
                    ?? throw new NoDeviceException($"There is no Vulkan device with index {index}.",
                        $"Available devices: {list}. Pass --device with one of these indices or a part of a name.");
            }
            var matches = devices.Where(d => d.Name.Contains(request, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
                throw new NoDeviceException($"No Vulkan device name contains '{request}'.",
                    $"Available devices: {list}. Pass --device (or {EnvironmentVariable}) with an index or a part of a name.");
            return Best(matches);
        }
        return Best(devices);
    }

    /// <summary>Applies <see cref="Choose"/> with the explicit request or, failing that, <see cref="EnvironmentVariable"/>.</summary>
    public static DeviceInfo ChooseWithEnvironment(IReadOnlyList<DeviceInfo> devices, string? request) =>
        Choose(devices, string.IsNullOrWhiteSpace(request) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : request);

    private static DeviceInfo Best(IReadOnlyList<DeviceInfo> devices) =>
        devices.OrderBy(d => d.Kind).ThenByDescending(d => d.DeviceLocalBytes).ThenBy(d => d.Index).First();
}
