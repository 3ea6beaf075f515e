using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Parsing;

// The spec's syntax tree: equatable records only, so the parse stage's output can be cached by value.

/// <summary>One parsed .cseg file.</summary>
internal sealed record SpecFile(string? Namespace, SpecSpan NamespaceSpan, EquatableArray<BlockDecl> Blocks);

/// <summary>A 'block' or 'model' declaration. <see cref="HasErrors"/> marks one the parser had to recover inside.</summary>
internal sealed record BlockDecl(
    string Name,
    SpecSpan NameSpan,
    bool IsModel,
    EquatableArray<ParamDecl> Params,
    EquatableArray<MemberDecl> Members,
    ForwardDecl? Forward,
    bool HasErrors);

internal enum ScalarKind
{
    Int,
    Float,
    Bool,
}

internal sealed record TypeRef(ScalarKind Kind, bool IsList, SpecSpan Span)
{
    public override string ToString() => (Kind switch { ScalarKind.Int => "int", ScalarKind.Float => "float", _ => "bool" }) + (IsList ? "[]" : "");
}

internal sealed record ParamDecl(string Name, SpecSpan Span, TypeRef Type, Expr? Default);

internal abstract record MemberDecl(SpecSpan Span);

/// <summary>'let name = expr': a value derived from the parameters.</summary>
internal sealed record LetMember(string Name, SpecSpan NameSpan, Expr Value) : MemberDecl(NameSpan);

/// <summary>'buffer name: [dims]': a zero-initialised tensor saved with the checkpoint but not trained.</summary>
internal sealed record BufferMember(string Name, SpecSpan NameSpan, EquatableArray<Expr> Shape) : MemberDecl(NameSpan);

/// <summary>'name[i in 0..n]... = callee(args)': a named layer, or an array of layers named name.{i}.</summary>
internal sealed record ChildMember(string Name, SpecSpan NameSpan, EquatableArray<IndexVar> Dims, CallExpr Constructor) : MemberDecl(NameSpan);

internal sealed record IfMember(SpecSpan Keyword, Expr Condition, EquatableArray<MemberDecl> Then, EquatableArray<MemberDecl> Else) : MemberDecl(Keyword);

internal sealed record IndexVar(string Name, SpecSpan Span, Expr From, Expr To);

internal sealed record ForwardDecl(SpecSpan Keyword, EquatableArray<PortDecl> Inputs, EquatableArray<PortDecl> Outputs, EquatableArray<Stmt> Body);

/// <summary>A forward input or output; Length makes it an array of tensors; Shape is the declared [dims], if any.</summary>
internal sealed record PortDecl(string Name, SpecSpan Span, Expr? Length, EquatableArray<Expr> Shape, bool HasShape);

internal abstract record Stmt(SpecSpan Span);

internal sealed record LetStmt(string Name, SpecSpan NameSpan, Expr Value) : Stmt(NameSpan);

/// <summary>'var name[n]': declares an array of n tensor values.</summary>
internal sealed record VarStmt(string Name, SpecSpan NameSpan, Expr Length) : Stmt(NameSpan);

internal sealed record AssignStmt(EquatableArray<Target> Targets, bool Destructured, Expr Value, SpecSpan StmtSpan) : Stmt(StmtSpan);

internal sealed record Target(string Name, SpecSpan Span, Expr? Index);

/// <summary>'for i in a..b { }' or 'repeat n { }' (Var is null).</summary>
internal sealed record ForStmt(SpecSpan Keyword, string? Var, SpecSpan VarSpan, Expr From, Expr To, EquatableArray<Stmt> Body) : Stmt(Keyword);

internal sealed record IfStmt(SpecSpan Keyword, Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt(Keyword);

internal abstract record Expr(SpecSpan Span);

internal sealed record NumberExpr(SpecSpan At, string Text, bool IsFloat, double Value) : Expr(At);

internal sealed record BoolExpr(SpecSpan At, bool Value) : Expr(At);

internal sealed record NameExpr(SpecSpan At, string Name) : Expr(At);

internal sealed record UnaryExpr(SpecSpan At, string Op, Expr Operand) : Expr(At);

internal sealed record BinaryExpr(SpecSpan At, string Op, Expr Left, Expr Right) : Expr(At);

internal sealed record TernaryExpr(SpecSpan At, Expr Condition, Expr Then, Expr Else) : Expr(At);

internal sealed record IndexExpr(SpecSpan At, Expr Target, Expr Index) : Expr(At);

internal sealed record CallExpr(SpecSpan At, Expr Callee, EquatableArray<Arg> Args) : Expr(At);

internal sealed record ListExpr(SpecSpan At, EquatableArray<Expr> Items) : Expr(At);

/// <summary>A call argument, positional (Name null) or named ('name: value').</summary>
internal sealed record Arg(string? Name, SpecSpan NameSpan, Expr Value);
