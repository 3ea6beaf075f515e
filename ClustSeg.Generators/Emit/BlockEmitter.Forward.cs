using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Emit;

internal static partial class BlockEmitter
{
    private static string ValueType(bool isArray) => isArray ? TensorType + "[]" : TensorType;

    private static string ForwardReturnType(BlockModel model) =>
        model.Outputs.Count == 1
            ? ValueType(model.Outputs[0].IsArray)
            : "(" + string.Join(", ", model.Outputs.Select(o => $"{ValueType(o.IsArray)} {NameStyle.Pascal(o.SpecName)}")) + ")";

    private static void WriteForward(CodeWriter w, BlockModel model)
    {
        w.Line("/// <summary>");
        w.Line("/// Records the forward pass into the context's command recorder. When the context records for backward, every");
        w.Line("/// layer keeps what its Backward needs; call Backward once for each Forward, in reverse order.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"context\">Device, command recorder and scratch arena of this step.</param>");
        foreach (var input in model.Inputs)
        {
            w.Line($"/// <param name=\"{input.Argument.TrimStart('@')}\">Input <c>{input.SpecName}</c>{(input.IsArray ? ", an array of tensors" : "")}.</param>");
        }
        w.Line($"/// <returns>{string.Join(", ", model.Outputs.Select(o => $"<c>{o.SpecName}</c>"))}.</returns>");
        var parameters = new[] { $"{ContextType} context" }
            .Concat(model.Inputs.Select(i => $"{(i.IsArray ? $"global::System.Collections.Generic.IReadOnlyList<{TensorType}>" : TensorType)} {i.Argument}"));
        w.Open($"public {ForwardReturnType(model)} Forward({string.Join(", ", parameters)})");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
        foreach (var input in model.Inputs)
        {
            w.Line($"global::System.ArgumentNullException.ThrowIfNull({input.Argument});");
            if (!input.IsArray)
            {
                w.Line($"{TensorType} {input.Local} = {input.Argument};");
                continue;
            }
            w.Line($"{TensorType}[] {input.Local} = global::System.Linq.Enumerable.ToArray({input.Argument});");
            w.Open($"if ({input.Local}.Length != {input.Length})");
            w.Line($"throw new global::System.ArgumentException($\"{model.ClassName}.Forward expects {{{input.Length}}} tensors in '{input.SpecName}', but got {{{input.Local}.Length}}.\", nameof({input.Argument}));");
            w.Close();
        }
        foreach (var output in model.Outputs.Where(o => o.IsArray))
        {
            w.Line($"{TensorType}[] {output.Local} = new {TensorType}[{output.Length}];");
        }
        foreach (var local in model.Locals)
        {
            w.Line($"{ValueType(local.IsArray)} {local.Local} = null!;");
        }
        WriteForwardStatements(w, model.Body);
        var results = model.Outputs.Select(o => o.Local).ToList();
        w.Line(results.Count == 1 ? $"return {results[0]};" : $"return ({string.Join(", ", results)});");
        w.Close();
    }

    private static void WriteForwardStatements(CodeWriter w, IEnumerable<IrStatement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case IrLet let:
                    w.Line($"{let.CsType} {let.Local} = {let.Expression};");
                    break;
                case IrArray array:
                    w.Line($"{array.Local} = new {TensorType}[{array.Length}];");
                    break;
                case IrLoop loop:
                    w.Open($"for (var {loop.Variable} = {loop.From}; {loop.Variable} < {loop.To}; {loop.Variable}++)");
                    WriteForwardStatements(w, loop.Body);
                    w.Close();
                    break;
                case IrBranch branch:
                    w.Open($"if ({branch.Condition})");
                    WriteForwardStatements(w, branch.Then);
                    w.Close();
                    if (branch.Else.Count > 0)
                    {
                        w.Open("else");
                        WriteForwardStatements(w, branch.Else);
                        w.Close();
                    }
                    break;
                case IrAlias alias:
                    w.Line($"{alias.Target.ValueExpression} = {alias.Source.ValueExpression};");
                    break;
                case IrCall call:
                    var inputs = call.Shape == CallShape.Variadic
                        ? new[] { $"new {TensorType}[] {{ {string.Join(", ", call.Inputs.Select(i => i.ValueExpression))} }}" }
                        : call.Inputs.Select(i => i.ValueExpression);
                    var args = string.Join(", ", new[] { "context" }.Concat(inputs).Concat(call.CallArgs));
                    var targets = call.Targets.Count == 1
                        ? call.Targets[0].ValueExpression
                        : "(" + string.Join(", ", call.Targets.Select(t => t.ValueExpression)) + ")";
                    w.Line($"{targets} = {call.Callee}.Forward({args});");
                    break;
            }
        }
    }
}
