namespace ClustSeg.Tests.Generator;

public class ScratchDump
{
    [Fact]
    public void Dump()
    {
        var specs = new[] { "examples/tiny-mlp.cseg", "examples/resnet-gn.cseg", "examples/cluster-decoder.cseg" }.Select(GeneratorHarness.Spec).ToArray();
        var result = GeneratorHarness.Run(specs);
        var dir = "/tmp/gen-dump";
        Directory.CreateDirectory(dir);
        foreach (var s in result.Results[0].GeneratedSources) File.WriteAllText(Path.Combine(dir, s.HintName), s.SourceText.ToString());
        File.WriteAllLines(Path.Combine(dir, "diagnostics.txt"), result.Diagnostics.Select(d => d.ToString()));
        if (result.Results[0].Exception is { } e) File.WriteAllText(Path.Combine(dir, "exception.txt"), e.ToString());
        foreach (var file in Directory.GetFiles("/tmp/gen-broken", "*.cseg"))
        {
            var r = GeneratorHarness.Run((file, File.ReadAllText(file)));
            File.WriteAllLines(file + ".out", r.Diagnostics.Select(d => d.ToString()).Append(r.Results[0].Exception?.ToString() ?? "").Append("generated: " + string.Join(",", r.Results[0].GeneratedSources.Select(s => s.HintName))));
        }
    }
}
