using System;
using ClustSeg.Generators.Checking;
using ClustSeg.Generators.Emit;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators;

/// <summary>
/// Turns models/*.cseg layer specs (AdditionalFiles) into typed C# modules. Three stages, each passing
/// equatable values only: Parse (per file: syntax tree and syntax errors), Check (all files together: names,
/// types, shapes; yields diagnostics and location-free emit models), and Emit (one source file per block).
/// Diagnostics travel in their own pipeline. The generator reads no C# syntax, so C# edits never re-run it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LayerSpecGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    public static class Steps
    {
        /// <summary>Per spec file: its syntax tree.</summary>
        public const string Parse = "Parse";

        /// <summary>All spec files together: diagnostics and emit models.</summary>
        public const string Check = "Check";

        /// <summary>Per block: its emit model.</summary>
        public const string Blocks = "Blocks";

        /// <summary>Per block: its generated source.</summary>
        public const string Emit = "Emit";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".cseg", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, cancellationToken) => ParsedSpec.Parse(text, cancellationToken))
            .WithTrackingName(Steps.Parse);

        context.RegisterSourceOutput(parsed.SelectMany(static (spec, _) => spec.Diagnostics), static (output, diagnostic) =>
            output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        var checkedSpecs = parsed.Collect()
            .Select(static (specs, _) => SpecChecker.Check(specs))
            .WithTrackingName(Steps.Check);

        context.RegisterSourceOutput(checkedSpecs.SelectMany(static (result, _) => result.Diagnostics), static (output, diagnostic) =>
            output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        var sources = checkedSpecs
            .SelectMany(static (result, _) => result.Blocks)
            .WithTrackingName(Steps.Blocks)
            .Select(static (block, _) => new GeneratedSource(block.HintName, BlockEmitter.Emit(block)))
            .WithTrackingName(Steps.Emit);

        context.RegisterSourceOutput(sources, static (output, source) => output.AddSource(source.HintName, source.Text));
    }
}

/// <summary>One generated file: its hint name and text.</summary>
internal sealed record GeneratedSource(string HintName, string Text);
