using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Emit;

internal static partial class BlockEmitter
{
    private static string GradientType(bool isArray) => isArray ? TensorType + "?[]" : TensorType + "?";

    private static string BackwardReturnType(BlockModel model) => model.Inputs.Count switch
    {
        0 => "void",
        1 => GradientType(model.Inputs[0].IsArray),
        _ => "(" + string.Join(", ", model.Inputs.Select(i => $"{GradientType(i.IsArray)} {NameStyle.Pascal(i.SpecName)}")) + ")",
    };

    /// <summary>
    /// Backward is forward read backwards: each call's output gradients are taken (and cleared, since a name may be
    /// reassigned), passed to the layer's Backward, and the input gradients it returns are summed into the
    /// gradients of the values it read, so a value read several times receives the sum.
    /// </summary>
    private static void WriteBackward(CodeWriter w, BlockModel model)
    {
        w.Line("/// <summary>");
        w.Line("/// Records the backward pass of the most recent Forward not yet undone: every layer consumes the state its Forward");
        w.Line("/// saved and adds its parameter gradients to <see cref=\"global::ClustSeg.Runtime.Nn.Parameter.Grad\"/>.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"context\">Device, command recorder and scratch arena of this step.</param>");
        foreach (var output in model.Outputs)
        {
            w.Line($"/// <param name=\"{output.GradientArgument}\">Gradient of the loss with respect to output <c>{output.SpecName}</c>; null means zero.</param>");
        }
        if (model.Inputs.Count > 0)
        {
            w.Line($"/// <returns>Gradients of {string.Join(", ", model.Inputs.Select(i => $"<c>{i.SpecName}</c>"))}; null where none flows.</returns>");
        }
        var parameters = new[] { $"{ContextType} context" }.Concat(model.Outputs.Select(o =>
            $"{(o.IsArray ? $"global::System.Collections.Generic.IReadOnlyList<{TensorType}?>?" : TensorType + "?")} {o.GradientArgument}"));
        w.Open($"public {BackwardReturnType(model)} Backward({string.Join(", ", parameters)})");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
        var outputs = model.Outputs.ToDictionary(o => o.GradientLocal);
        foreach (var input in model.Inputs) DeclareGradient(w, input.GradientLocal, input.IsArray, null);
        foreach (var output in model.Outputs.Where(o => o.IsArray)) DeclareGradient(w, output.GradientLocal, true, output.GradientArgument);
        foreach (var local in model.Locals)
        {
            outputs.TryGetValue(local.GradientLocal, out var output);
            DeclareGradient(w, local.GradientLocal, local.IsArray, output?.GradientArgument);
        }
        WriteBackwardStatements(w, model.Body.ToList());
        var results = model.Inputs.Select(i => i.IsArray ? $"{i.GradientLocal}.ToArray({i.Length})" : i.GradientLocal).ToList();
        if (results.Count == 1) w.Line($"return {results[0]};");
        if (results.Count > 1) w.Line($"return ({string.Join(", ", results)});");
        w.Close();
    }

    private static void DeclareGradient(CodeWriter w, string local, bool isArray, string? seed)
    {
        if (isArray) w.Line($"var {local} = new {GradientListType}({seed ?? "null"});");
        else w.Line($"{TensorType}? {local} = {seed ?? "null"};");
    }

    private static void WriteBackwardStatements(CodeWriter w, IReadOnlyList<IrStatement> statements)
    {
        // Lets depend only on numbers, never on tensors, so they can be computed before the reversed statements.
        foreach (var let in statements.OfType<IrLet>()) w.Line($"{let.CsType} {let.Local} = {let.Expression};");
        for (var i = statements.Count - 1; i >= 0; i--)
        {
            switch (statements[i])
            {
                case IrLoop loop:
                    w.Open($"for (var {loop.Variable} = {loop.To} - 1; {loop.Variable} >= {loop.From}; {loop.Variable}--)");
                    WriteBackwardStatements(w, loop.Body.ToList());
                    w.Close();
                    break;
                case IrBranch branch:
                    w.Open($"if ({branch.Condition})");
                    WriteBackwardStatements(w, branch.Then.ToList());
                    w.Close();
                    if (branch.Else.Count > 0)
                    {
                        w.Open("else");
                        WriteBackwardStatements(w, branch.Else.ToList());
                        w.Close();
                    }
                    break;
                case IrAlias alias:
                    w.Open("");
                    TakeGradient(w, alias.Target, "g__0");
                    Accumulate(w, alias.Source, "g__0");
                    w.Close();
                    break;
                case IrCall call:
                    WriteBackwardCall(w, call);
                    break;
            }
        }
    }

    private static void WriteBackwardCall(CodeWriter w, IrCall call)
    {
        w.Open("");
        for (var t = 0; t < call.Targets.Count; t++) TakeGradient(w, call.Targets[t], $"g__{t}");
        var args = string.Join(", ", new[] { "context" }.Concat(call.Targets.Select((_, t) => $"g__{t}")));
        var invocation = $"{call.Callee}.Backward({args})";
        switch (call.Shape)
        {
            case CallShape.None:
                w.Line(invocation + ";");
                break;
            case CallShape.Single:
                w.Line($"var r__0 = {invocation};");
                if (call.Differentiable[0]) Accumulate(w, call.Inputs[0], "r__0");
                break;
            case CallShape.Tuple:
                w.Line($"var ({string.Join(", ", call.Inputs.Select((_, k) => $"r__{k}"))}) = {invocation};");
                for (var k = 0; k < call.Inputs.Count; k++)
                {
                    if (call.Differentiable[k]) Accumulate(w, call.Inputs[k], $"r__{k}");
                }
                break;
            case CallShape.Variadic:
                w.Line($"var r__ = {invocation};");
                for (var k = 0; k < call.Inputs.Count; k++) Accumulate(w, call.Inputs[k], $"r__[{k}]");
                break;
        }
        w.Close();
    }

    private static void TakeGradient(CodeWriter w, IrRef target, string into)
    {
        if (target.Kind == IrRefKind.WholeArray)
        {
            w.Line($"var {into} = {target.Gradient}.Take();");
            return;
        }
        w.Line($"var {into} = {target.GradientExpression};");
        w.Line($"{target.GradientExpression} = null;");
    }

    private static void Accumulate(CodeWriter w, IrRef source, string gradient)
    {
        switch (source.Kind)
        {
            case IrRefKind.Constant:
                return;
            case IrRefKind.WholeArray:
                w.Line($"{source.Gradient}.Accumulate(context, {gradient});");
                return;
            default:
                w.Line($"{source.GradientExpression} = context.AccumulateGradient({source.GradientExpression}, {gradient});");
                return;
        }
    }
}
