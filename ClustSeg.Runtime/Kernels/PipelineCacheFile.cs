using System.Security.Cryptography;
using System.Text;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Kernels;

/// <summary>Outcome of reading a pipeline cache file.</summary>
public enum PipelineCacheLoad
{
    /// <summary>The file matched this device, driver and shader set; its data seeds the Vulkan pipeline cache.</summary>
    Hit,
    /// <summary>No file (first run, or caching disabled).</summary>
    Missing,
    /// <summary>The file was made for another device, driver or shader build.</summary>
    Stale,
    /// <summary>The file is damaged (truncated, wrong checksum); it is ignored and rewritten.</summary>
    Corrupt,
}

/// <summary>
/// The on-disk pipeline cache. The driver's own blob header is not trusted alone: our header keys the data by vendor,
/// device, driver version, pipelineCacheUUID and a hash of all SPIR-V, and a checksum covers the payload, so any
/// mismatch or damage is a miss, never an error.
/// </summary>
public sealed class PipelineCacheFile
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("CSEGPC01");

    /// <summary>Creates the cache file description for one device and shader build.</summary>
    public PipelineCacheFile(string directory, uint vendorId, uint deviceId, uint driverVersion, string pipelineCacheUuid, byte[] spirvHash)
    {
        VendorId = vendorId;
        DeviceId = deviceId;
        DriverVersion = driverVersion;
        PipelineCacheUuid = pipelineCacheUuid;
        SpirvHash = spirvHash;
        Path = System.IO.Path.Combine(directory, $"{vendorId:x4}-{deviceId:x4}-{pipelineCacheUuid.ToLowerInvariant()}.bin");
    }

    /// <summary>File location.</summary>
    public string Path { get; }
    /// <summary>PCI vendor id the data belongs to.</summary>
    public uint VendorId { get; }
    /// <summary>Device id the data belongs to.</summary>
    public uint DeviceId { get; }
    /// <summary>Driver version the data belongs to.</summary>
    public uint DriverVersion { get; }
    /// <summary>Driver's pipelineCacheUUID as hex.</summary>
    public string PipelineCacheUuid { get; }
    /// <summary>SHA-256 over every embedded kernel's SPIR-V.</summary>
    public byte[] SpirvHash { get; }

    /// <summary>Reads the payload, classifying the file.</summary>
    public (PipelineCacheLoad Result, byte[] Data) Load()
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(Path)) return (PipelineCacheLoad.Missing, []);
            bytes = File.ReadAllBytes(Path);
        }
        catch (IOException) { return (PipelineCacheLoad.Corrupt, []); }
        catch (UnauthorizedAccessException) { return (PipelineCacheLoad.Corrupt, []); }

        var header = HeaderBytes();
        const int checksumSize = 32;
        if (bytes.Length < header.Length + 8 + checksumSize || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            return (PipelineCacheLoad.Corrupt, []);
        if (!bytes.AsSpan(0, header.Length).SequenceEqual(header))
            return (PipelineCacheLoad.Stale, []);
        var length = BitConverter.ToInt64(bytes, header.Length);
        var payloadStart = header.Length + 8 + checksumSize;
        if (length < 0 || payloadStart + length != bytes.Length) return (PipelineCacheLoad.Corrupt, []);
        var payload = bytes.AsSpan(payloadStart, (int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(header.Length + 8, checksumSize)))
            return (PipelineCacheLoad.Corrupt, []);
        return (PipelineCacheLoad.Hit, payload.ToArray());
    }

    /// <summary>Writes the payload atomically (temporary file, then rename); failures are ignored, the cache is optional.</summary>
    public bool Save(ReadOnlySpan<byte> payload)
    {
        var bytes = payload.ToArray();
        try
        {
            AtomicFile.Write(Path, stream =>
            {
                stream.Write(HeaderBytes());
                stream.Write(BitConverter.GetBytes((long)bytes.Length));
                stream.Write(SHA256.HashData(bytes));
                stream.Write(bytes);
            });
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private byte[] HeaderBytes()
    {
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.Write(BitConverter.GetBytes(VendorId));
        ms.Write(BitConverter.GetBytes(DeviceId));
        ms.Write(BitConverter.GetBytes(DriverVersion));
        var uuid = Encoding.ASCII.GetBytes(PipelineCacheUuid.PadRight(32, '0')[..32]);
        ms.Write(uuid);
        ms.Write(SpirvHash);
        return ms.ToArray();
    }
}
