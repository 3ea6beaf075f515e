using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Resolver
{
    /// <summary>A compile-time parameter of a callee: a block parameter or a primitive attribute.</summary>
    private sealed record Parameter(string Name, ScalarType Type, Expr? Default, string? DefaultFrom = null)
    {
        public bool IsRequired => Default is null && DefaultFrom is null;
    }

    private static List<Parameter> AttributeParameters(IEnumerable<PrimitiveAttribute> attributes) =>
        attributes.Select(a => new Parameter(a.Name, Scalar.FromKind(a.Kind), DefaultExpr(a.Default), a.DefaultFrom)).ToList();

    private static Expr? DefaultExpr(object? value)
    {
        SpecSpan none = default;
        return value switch
        {
            null => null,
            bool flag => new BoolExpr(none, flag),
            int number => new NumberExpr(none, number.ToString(CultureInfo.InvariantCulture), false, number),
            double number => new NumberExpr(none, number.ToString("R", CultureInfo.InvariantCulture), true, number),
            _ => null,
        };
    }

    /// <summary>
    /// Binds a call's arguments to <paramref name="parameters"/>: positional ones first, then by name; fills
    /// defaults; checks types. Returns null after reporting. With a <paramref name="trial"/> list the errors go
    /// there instead (used to pick among a primitive's overloads).
    /// </summary>
    private List<BoundArg>? BindArguments(string callee, CallExpr call, IReadOnlyList<Parameter> parameters, Lookup scope,
        IReadOnlyList<Arg>? argsOverride = null, List<DiagnosticInfo>? trial = null)
    {
        var args = argsOverride ?? call.Args.ToList();
        var sink = trial ?? diagnostics;
        var errorsBefore = sink.Count;
        void Fail(DiagnosticDescriptor descriptor, SpecSpan span, params string[] arguments) =>
            sink.Add(DiagnosticInfo.Create(descriptor, signature.FilePath, span, arguments));

        var bound = new Expr?[parameters.Count];
        var seenNamed = false;
        var position = 0;
        foreach (var arg in args)
        {
            if (arg.Name is null)
            {
                if (seenNamed)
                {
                    Fail(SpecDiagnostics.NotAllowedHere, arg.Value.Span, "Positional arguments must come before named ones");
                    continue;
                }
                if (position >= parameters.Count)
                {
                    var names = string.Join(", ", parameters.Select(p => p.Name));
                    Fail(SpecDiagnostics.WrongArity, arg.Value.Span, callee,
                        parameters.Count == 0 ? "no arguments" : $"at most {parameters.Count} ({names})", $"{args.Count(a => a.Name is null)} were");
                    break;
                }
                bound[position++] = arg.Value;
                continue;
            }
            seenNamed = true;
            var index = IndexOf(parameters, arg.Name);
            if (index < 0)
            {
                var suggestion = NameStyle.Suggest(arg.Name, parameters.Select(p => p.Name));
                Fail(SpecDiagnostics.UnknownArgument, arg.NameSpan, callee, arg.Name, suggestion is null ? "" : $"; did you mean '{suggestion}'?");
                continue;
            }
            if (bound[index] is not null)
            {
                Fail(SpecDiagnostics.DuplicateArgument, arg.NameSpan, arg.Name, callee);
                continue;
            }
            bound[index] = arg.Value;
        }
        for (var i = 0; i < parameters.Count; i++)
        {
            if (bound[i] is null && parameters[i].IsRequired)
            {
                Fail(SpecDiagnostics.MissingArgument, call.Span, callee, parameters[i].Name);
            }
        }
        if (sink.Count > errorsBefore) return null;

        var result = new List<BoundArg>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var value = bound[i];
            var isDefault = value is null;
            if (value is null)
            {
                value = parameter.Default ?? bound[IndexOf(parameters, parameter.DefaultFrom!)] ?? parameters[IndexOf(parameters, parameter.DefaultFrom!)].Default!;
            }
            else if (trial is null)
            {
                ExpectType(value, parameter.Type, $"Argument '{parameter.Name}' of '{callee}'", scope);
            }
            else if (TypeOfQuietly(value, scope) is { } type && !Scalar.IsAssignable(type, parameter.Type))
            {
                Fail(SpecDiagnostics.TypeMismatch, value.Span, $"Argument '{parameter.Name}' of '{callee}'", Scalar.Describe(parameter.Type), Scalar.Describe(type));
            }
            result.Add(new BoundArg(parameter.Name, parameter.Type, value, isDefault));
        }
        return sink.Count > errorsBefore ? null : result;
    }

    /// <summary>Types an expression without reporting (its errors are reported once the overload is chosen).</summary>
    private ScalarType? TypeOfQuietly(Expr expr, Lookup scope)
    {
        var count = diagnostics.Count;
        var used = new HashSet<string>(usedMembers);
        var type = TypeOf(expr, scope);
        if (diagnostics.Count > count) diagnostics.RemoveRange(count, diagnostics.Count - count);
        usedMembers.Clear();
        usedMembers.UnionWith(used);
        return diagnostics.Count > count ? null : type;
    }

    private static int IndexOf(IReadOnlyList<Parameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Name == name) return i;
        }
        return -1;
    }

    /// <summary>
    /// Picks the overload of a primitive that binds the arguments (resize_bilinear has one taking a 'like' tensor
    /// and one taking a 'factor'); when none does, reports the errors of the first.
    /// </summary>
    private (PrimitiveDefinition Primitive, List<BoundArg> Args)? BindOverload(string callee, CallExpr call,
        IReadOnlyList<PrimitiveDefinition> overloads, System.Func<PrimitiveDefinition, IReadOnlyList<Parameter>> parametersOf,
        System.Func<PrimitiveDefinition, IReadOnlyList<Arg>> argsOf, Lookup scope)
    {
        foreach (var overload in overloads)
        {
            var trial = new List<DiagnosticInfo>();
            if (BindArguments(callee, call, parametersOf(overload), scope, argsOf(overload), trial) is not null && trial.Count == 0)
            {
                var args = BindArguments(callee, call, parametersOf(overload), scope, argsOf(overload));
                return args is null ? null : (overload, args);
            }
        }
        BindArguments(callee, call, parametersOf(overloads[0]), scope, argsOf(overloads[0]));
        return null;
    }

    private static bool IsError(DiagnosticInfo info) => info.Severity == DiagnosticSeverity.Error;
}
