using System.Collections.Immutable;
using ClustSeg.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ClustSeg.Tests.Generator;

/// <summary>Runs the layer spec generator in memory, as the compiler would, on specs given as text.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The repository root (the folder holding ClustSeg.sln), found above the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ClustSeg.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("ClustSeg.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Reads a spec from models/ as (path, text).</summary>
    public static (string Path, string Text) Spec(string relativePath)
    {
        var path = Path.Combine(RepositoryRoot, "models", relativePath);
        return (path, File.ReadAllText(path));
    }

    /// <summary>A spec file held in memory.</summary>
    public sealed class SpecText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>A compilation of <paramref name="sources"/> against the runtime assembly and the framework.</summary>
    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratedModels",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose), path: $"user{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A driver with step tracking on, so tests can read each step's run reasons.</summary>
    public static GeneratorDriver Driver(params (string Path, string Text)[] specs) =>
        CSharpGeneratorDriver.Create(
            new[] { new LayerSpecGenerator().AsSourceGenerator() },
            specs.Select(s => (AdditionalText)new SpecText(s.Path, s.Text)),
            new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose),
            optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once on <paramref name="specs"/> over an empty C# compilation.</summary>
    public static GeneratorDriverRunResult Run(params (string Path, string Text)[] specs) =>
        Driver(specs).RunGenerators(Compilation()).GetRunResult();

    /// <summary>Runs the generator and returns the compilation with its output added, plus the generator's diagnostics.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics) RunAndCompile(string[] userSources, params (string Path, string Text)[] specs)
    {
        Driver(specs).RunGeneratorsAndUpdateCompilation(Compilation(userSources), out var output, out var diagnostics);
        return (output, diagnostics);
    }

    /// <summary>The generated source with the given hint name (e.g. "ClustSeg.Models.Examples.TinyMlp.g.cs").</summary>
    public static string Source(GeneratorDriverRunResult result, string hintName) =>
        result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = trusted.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll");
        return framework
            .Append(typeof(ClustSeg.Runtime.Nn.Module).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
