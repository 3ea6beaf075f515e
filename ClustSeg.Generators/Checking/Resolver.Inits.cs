using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

/// <summary>
/// A layer declaration's override of one parameter's initialisation ('weight_init: normal(0, 0.02)'): the
/// parameter, the rule and the rule's number arguments.
/// </summary>
internal sealed record InitOverride(string Parameter, string Rule, IReadOnlyList<Expr> Args);

internal sealed partial class Resolver
{
    private const string InitSuffix = "_init";

    /// <summary>The initialisation rules a spec can name, with their argument names.</summary>
    private static readonly Dictionary<string, string[]> InitRules = new()
    {
        ["default"] = new string[0],
        ["zeros"] = new string[0],
        ["ones"] = new string[0],
        ["uniform"] = new[] { "a", "b" },
        ["normal"] = new[] { "mean", "std" },
        ["kaiming_normal"] = new string[0],
        ["xavier_uniform"] = new string[0],
    };

    /// <summary>Rules computed from a weight's fans, which a 1-dimensional parameter does not have.</summary>
    private static readonly HashSet<string> FanRules = new() { "kaiming_normal", "xavier_uniform" };

    /// <summary>
    /// Splits a layer declaration's '&lt;parameter&gt;_init:' arguments from the others. A block parameter that happens
    /// to end in '_init' stays an ordinary argument.
    /// </summary>
    private (List<Arg> Others, List<Arg> Inits) SplitInitArguments(CallExpr call, ICollection<string> ordinaryNames)
    {
        var others = new List<Arg>();
        var inits = new List<Arg>();
        foreach (var arg in call.Args)
        {
            if (arg.Name is null && inits.Count > 0)
            {
                // Binding the remaining arguments no longer sees the named init before this positional one.
                Report(SpecDiagnostics.NotAllowedHere, arg.Value.Span, "Positional arguments must come before named ones");
            }
            var isInit = arg.Name is not null && arg.Name.Length > InitSuffix.Length && arg.Name.EndsWith(InitSuffix) && !ordinaryNames.Contains(arg.Name);
            (isInit ? inits : others).Add(arg);
        }
        return (others, inits);
    }

    /// <summary>Init arguments on a block: its parameters belong to the layers inside it, which take their own inits.</summary>
    private void ReportBlockInits(string callee, IEnumerable<Arg> inits)
    {
        foreach (var init in inits)
        {
            Report(SpecDiagnostics.InitWithoutParameter, init.NameSpan, callee, ParameterOf(init),
                $"; '{callee}' is a block, so set the initialisation on the layers declared inside it");
        }
    }

    /// <summary>Checks the init arguments of a primitive layer declaration; null after reporting.</summary>
    private List<InitOverride>? ResolveInits(string callee, PrimitiveDefinition primitive, IReadOnlyList<BoundArg> args, List<Arg> inits, Lookup scope)
    {
        var result = new List<InitOverride>();
        var ok = true;
        var seen = new HashSet<string>();
        foreach (var init in inits)
        {
            var parameter = ParameterOf(init);
            var weight = primitive.Weights.FirstOrDefault(w => w.Name == parameter);
            if (weight is null)
            {
                var has = primitive.Weights.Count == 0 ? "; it has no learned parameters" : $"; it has {string.Join(", ", primitive.Weights.Select(w => w.Name))}";
                Report(SpecDiagnostics.InitWithoutParameter, init.NameSpan, callee, parameter, has);
                ok = false;
                continue;
            }
            if (weight.OnlyIf is { } condition && args.FirstOrDefault(a => a.Name == condition)?.Value is BoolExpr { Value: false })
            {
                Report(SpecDiagnostics.InitWithoutParameter, init.NameSpan, callee, parameter, $" because '{condition}' is false");
                ok = false;
                continue;
            }
            if (!seen.Add(parameter))
            {
                Report(SpecDiagnostics.DuplicateArgument, init.NameSpan, init.Name!, callee);
                ok = false;
                continue;
            }
            var rule = ResolveInitRule(init.Value, weight, scope);
            if (rule is null) ok = false;
            else result.Add(rule with { Parameter = parameter });
        }
        return ok ? result : null;
    }

    private InitOverride? ResolveInitRule(Expr value, PrimitiveWeight weight, Lookup scope)
    {
        NameExpr? name;
        IReadOnlyList<Arg> ruleArgs;
        switch (value)
        {
            case NameExpr bare:
                name = bare;
                ruleArgs = new Arg[0];
                break;
            case CallExpr { Callee: NameExpr callee } call:
                name = callee;
                ruleArgs = call.Args;
                break;
            default:
                Report(SpecDiagnostics.UnknownInit, value.Span, ExprPrinter.Print(value), "");
                return null;
        }
        if (!InitRules.TryGetValue(name.Name, out var parameters))
        {
            var suggestion = NameStyle.Suggest(name.Name, InitRules.Keys);
            Report(SpecDiagnostics.UnknownInit, name.Span, name.Name, suggestion is null ? "" : $" (did you mean '{suggestion}'?)");
            return null;
        }
        if (ruleArgs.Count != parameters.Length)
        {
            var takes = parameters.Length == 0 ? "no arguments" : $"{parameters.Length} arguments ({string.Join(", ", parameters)})";
            var given = ruleArgs.Count == 0 ? "none were" : ruleArgs.Count == 1 ? "1 was" : $"{ruleArgs.Count} were";
            Report(SpecDiagnostics.InitArity, value.Span, name.Name, takes, given);
            return null;
        }
        if (FanRules.Contains(name.Name) && weight.Shape.Count(c => c == ',') == 0)
        {
            Report(SpecDiagnostics.NotAllowedHere, name.Span,
                $"'{name.Name}' needs the fan in and fan out of a weight of 2 or more dimensions, which the 1-dimensional '{weight.Name}' has not; use zeros, ones, uniform(a, b) or normal(mean, std)");
            return null;
        }
        var ok = true;
        foreach (var arg in ruleArgs)
        {
            if (arg.Name is not null)
            {
                Report(SpecDiagnostics.NotAllowedHere, arg.NameSpan, $"The arguments of '{name.Name}' are positional: write {name.Name}({string.Join(", ", parameters)})");
                ok = false;
                continue;
            }
            var before = diagnostics.Count;
            ExpectType(arg.Value, ScalarType.Float, $"Argument '{parameters[ruleArgs.ToList().IndexOf(arg)]}' of '{name.Name}'", scope);
            ok &= diagnostics.Count == before;
        }
        return ok ? new InitOverride(weight.Name, name.Name, ruleArgs.Select(a => a.Value).ToList()) : null;
    }

    private static string ParameterOf(Arg init) => init.Name!.Substring(0, init.Name!.Length - InitSuffix.Length);
}
