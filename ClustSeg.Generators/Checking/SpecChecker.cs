using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Emit;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

/// <summary>The check stage's output: every diagnostic found across the specs, and one model per block to emit.</summary>
internal sealed record CheckResult(EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<BlockModel> Blocks);

/// <summary>
/// The check stage: indexes the blocks of all spec files (blocks may use blocks from other files), resolves each,
/// rejects composition cycles, elaborates every model with its parameter values, and lowers the blocks that are
/// free of errors (together with everything they use) for emission.
/// </summary>
internal static class SpecChecker
{
    public const string DefaultNamespace = "ClustSeg.Models";

    public static CheckResult Check(ImmutableArray<ParsedSpec> files)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var signatures = new Dictionary<string, BlockSignature>();
        var hashes = new Dictionary<string, string>();
        foreach (var file in files.Where(f => f.File is not null).OrderBy(f => f.FilePath, System.StringComparer.Ordinal))
        {
            hashes[file.FilePath] = file.Sha256;
            foreach (var block in file.File!.Blocks)
            {
                if (signatures.TryGetValue(block.Name, out var existing))
                {
                    diagnostics.Add(DiagnosticInfo.Create(SpecDiagnostics.DuplicateBlock, file.FilePath, block.NameSpan, block.Name,
                        $"{existing.FileName} line {existing.Decl.NameSpan.Line + 1}"));
                    continue;
                }
                signatures[block.Name] = new BlockSignature(block, file.File.Namespace ?? DefaultNamespace, file.FilePath, file.FileName);
            }
        }

        var resolved = new Dictionary<string, ResolvedBlock>();
        foreach (var signature in signatures.Values.Where(s => !s.Decl.HasErrors))
        {
            var block = Resolver.Resolve(signature, signatures, diagnostics);
            if (signature.Decl.IsModel) RequireModelShapes(signature, block, diagnostics);
            resolved[signature.Name] = block;
        }
        var inCycle = FindCycles(resolved, diagnostics);
        var emittable = Emittable(resolved, signatures, inCycle);

        var valid = resolved.Where(r => emittable.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value);
        var elaborator = new Elaborator(valid, diagnostics);
        var usedByOthers = new HashSet<string>(resolved.Values.SelectMany(r => r.UsedBlocks));
        foreach (var root in valid.Values.Where(b => b.Signature.Decl.IsModel || !usedByOthers.Contains(b.Signature.Name)))
        {
            elaborator.ElaborateRoot(root);
        }
        ReportBlocksOutsideModels(resolved, diagnostics);

        var models = valid.Values
            .OrderBy(b => b.Signature.Namespace, System.StringComparer.Ordinal)
            .ThenBy(b => b.Signature.Name, System.StringComparer.Ordinal)
            .Select(b => Lowering.Lower(b, hashes[b.Signature.FilePath]));
        var ordered = diagnostics
            .Distinct()
            .OrderBy(d => d.FilePath, System.StringComparer.Ordinal)
            .ThenBy(d => d.Span.Start)
            .ThenBy(d => d.Id, System.StringComparer.Ordinal);
        return new CheckResult(ordered.ToEquatableArray(), models.ToEquatableArray());
    }

    private static void RequireModelShapes(BlockSignature signature, ResolvedBlock block, List<DiagnosticInfo> diagnostics)
    {
        foreach (var input in signature.Inputs.Where(i => !i.HasShape))
        {
            diagnostics.Add(DiagnosticInfo.Create(SpecDiagnostics.ShapeRequired, signature.FilePath, input.Span, input.Name, signature.Name));
            block.HasErrors = true;
        }
    }

    /// <summary>Reports each block that contains itself through its layers; returns the blocks on cycles.</summary>
    private static HashSet<string> FindCycles(Dictionary<string, ResolvedBlock> blocks, List<DiagnosticInfo> diagnostics)
    {
        var onCycle = new HashSet<string>();
        foreach (var start in blocks.Keys.OrderBy(k => k, System.StringComparer.Ordinal))
        {
            if (onCycle.Contains(start)) continue;
            var path = FindPathBack(start, start, blocks, new HashSet<string>());
            if (path is null) continue;
            // One report per cycle, at its alphabetically first block.
            onCycle.Add(start);
            onCycle.UnionWith(path);
            var signature = blocks[start].Signature;
            var child = blocks[start].Children.Values.First(c => c.Block?.Name == path[0]);
            diagnostics.Add(DiagnosticInfo.Create(SpecDiagnostics.CompositionCycle, signature.FilePath, child.Syntax.Constructor.Callee.Span,
                start, string.Join(" -> ", new[] { start }.Concat(path))));
        }
        return onCycle;
    }

    private static List<string>? FindPathBack(string from, string target, Dictionary<string, ResolvedBlock> blocks, HashSet<string> visited)
    {
        if (!blocks.TryGetValue(from, out var block)) return null;
        foreach (var next in block.UsedBlocks.OrderBy(n => n, System.StringComparer.Ordinal))
        {
            if (next == target) return new List<string> { next };
            if (!visited.Add(next)) continue;
            var rest = FindPathBack(next, target, blocks, visited);
            if (rest is not null)
            {
                rest.Insert(0, next);
                return rest;
            }
        }
        return null;
    }

    /// <summary>Blocks without errors whose used blocks are all emittable too (otherwise the C# would not compile).</summary>
    private static HashSet<string> Emittable(Dictionary<string, ResolvedBlock> resolved, Dictionary<string, BlockSignature> signatures, HashSet<string> inCycle)
    {
        var result = new HashSet<string>(resolved.Where(r => !r.Value.HasErrors && !inCycle.Contains(r.Key)).Select(r => r.Key));
        bool changed;
        do
        {
            changed = false;
            foreach (var name in result.ToList())
            {
                if (resolved[name].UsedBlocks.All(result.Contains)) continue;
                result.Remove(name);
                changed = true;
            }
        }
        while (changed);
        return result;
    }

    private static void ReportBlocksOutsideModels(Dictionary<string, ResolvedBlock> resolved, List<DiagnosticInfo> diagnostics)
    {
        var models = resolved.Values.Where(b => b.Signature.Decl.IsModel).ToList();
        if (models.Count == 0) return;
        var reachable = new HashSet<string>();
        var pending = new Stack<string>(models.Select(m => m.Signature.Name));
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (!reachable.Add(name) || !resolved.TryGetValue(name, out var block)) continue;
            foreach (var used in block.UsedBlocks) pending.Push(used);
        }
        foreach (var block in resolved.Values.Where(b => !reachable.Contains(b.Signature.Name)))
        {
            diagnostics.Add(DiagnosticInfo.Create(SpecDiagnostics.UnusedBlock, block.Signature.FilePath, block.Signature.Decl.NameSpan, block.Signature.Name));
        }
    }
}
