using System.Text.Json;

namespace ClustSeg.Tests.Data;

/// <summary>Loads reference-tool outputs from Data/Fixtures (see its README); CLUSTSEG_ORACLE_DIR overrides the folder.</summary>
internal static class OracleFixture
{
    public static JsonDocument Load(string name)
    {
        var folder = Environment.GetEnvironmentVariable("CLUSTSEG_ORACLE_DIR");
        var path = !string.IsNullOrEmpty(folder) && File.Exists(Path.Combine(folder, name))
            ? Path.Combine(folder, name)
            : Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);
        return JsonDocument.Parse(File.ReadAllText(path));
    }
}
