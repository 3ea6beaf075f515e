namespace ClustSeg.Tests.Support;

/// <summary>
/// Locates the read-only data folder that sits beside the checkout (../shared/data). It is never copied into
/// the repository. Set CLUSTSEG_DATA to point elsewhere.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The data root, or null when it is absent on this machine.</summary>
    public static string? RootOrNull => Root.Value;

    /// <summary>
    /// The path of <paramref name="relative"/> under the data root. When the data is absent the test fails with a
    /// message saying where it looked, unless CLUSTSEG_ALLOW_MISSING_DATA=1, in which case it returns null and the
    /// caller returns early (for contributors without the data). CI always has the data, so it never skips.
    /// </summary>
    public static string? Require(string relative)
    {
        var root = Root.Value;
        var path = root is null ? null : Path.Combine(root, relative);
        if (path is not null && (File.Exists(path) || Directory.Exists(path))) return path;
        if (Environment.GetEnvironmentVariable("CLUSTSEG_ALLOW_MISSING_DATA") == "1")
        {
            Console.Error.WriteLine($"[data missing] {relative}: not found; test returns early (CLUSTSEG_ALLOW_MISSING_DATA=1).");
            return null;
        }
        throw new InvalidOperationException(
            $"Test data '{relative}' not found (looked under {root ?? "<no shared/data above the test assembly>"}). " +
            "Put the project's shared data beside the checkout as ../shared/data, set CLUSTSEG_DATA, " +
            "or set CLUSTSEG_ALLOW_MISSING_DATA=1 to let data tests return early.");
    }

    private static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("CLUSTSEG_DATA");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
