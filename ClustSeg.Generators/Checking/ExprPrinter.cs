using System.Linq;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

/// <summary>Prints a spec expression back as spec text, for messages and generated documentation.</summary>
internal static class ExprPrinter
{
    public static string Print(Expr expr) => expr switch
    {
        NumberExpr number => number.Text,
        BoolExpr flag => flag.Value ? "true" : "false",
        NameExpr name => name.Name,
        UnaryExpr { Op: "!", Operand: BinaryExpr or TernaryExpr } unary => $"!({Print(unary.Operand)})",
        UnaryExpr unary => unary.Op + Print(unary.Operand),
        BinaryExpr binary => $"{Wrap(binary.Left)} {binary.Op} {Wrap(binary.Right)}",
        TernaryExpr ternary => $"{Print(ternary.Condition)} ? {Print(ternary.Then)} : {Print(ternary.Else)}",
        IndexExpr index => $"{Print(index.Target)}[{Print(index.Index)}]",
        ListExpr list => "[" + string.Join(", ", list.Items.Select(Print)) + "]",
        CallExpr call => Print(call.Callee) + "(" + string.Join(", ", call.Args.Select(a => (a.Name is null ? "" : a.Name + ": ") + Print(a.Value))) + ")",
        _ => "?",
    };

    private static string Wrap(Expr expr) => expr is BinaryExpr or TernaryExpr ? $"({Print(expr)})" : Print(expr);
}
