using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

/// <summary>
/// Instantiates a model with its parameter values, builds every layer it declares (evaluating arguments, array
/// lengths and conditions), then runs forward over shapes instead of tensors, unrolling loops. Everything that
/// depends on concrete values is checked here: attribute values, channel counts and every inferable dimension,
/// index ranges, layers absent in this configuration. Each problem is reported once, at the spec position,
/// naming the instance (e.g. 'backbone.stages.1.0') where it occurs.
/// </summary>
internal sealed partial class Elaborator
{
    private const int MaxDepth = 64;
    private readonly IReadOnlyDictionary<string, ResolvedBlock> blocks;
    private readonly List<DiagnosticInfo> diagnostics;
    private readonly HashSet<(string Id, string File, int Start, int Length)> reported = new();
    private int budget = 500_000;

    public Elaborator(IReadOnlyDictionary<string, ResolvedBlock> blocks, List<DiagnosticInfo> diagnostics)
    {
        this.blocks = blocks;
        this.diagnostics = diagnostics;
    }

    private sealed class Instance
    {
        public Instance(ResolvedBlock block, string path, Dictionary<string, Scalar> scalars)
        {
            Block = block;
            Path = path;
            Scalars = scalars;
        }

        public ResolvedBlock Block { get; }

        public string Path { get; }

        public Dictionary<string, Scalar> Scalars { get; }

        public Dictionary<string, LayerSlot> Layers { get; } = new();

        public Dictionary<string, Shape> Buffers { get; } = new();

        public Dictionary<InlineLayer, Dictionary<string, Scalar>?> InlineAttributes { get; } = new();

        public string FilePath => Block.Signature.FilePath;

        public string Context
        {
            get
            {
                var args = string.Join(", ", Block.Signature.Decl.Params.Select(p => $"{p.Name}: {Scalars[p.Name]}"));
                return Path.Length == 0 ? $" (in {Block.Signature.Name}({args}))" : $" (in '{Path}', a {Block.Signature.Name}({args}))";
            }
        }
    }

    /// <summary>A declared layer in one instance: absent (its 'if' was false), or its elements keyed "i.j".</summary>
    private sealed class LayerSlot
    {
        public LayerSlot(ChildDecl decl, bool present)
        {
            Decl = decl;
            Present = present;
        }

        public ChildDecl Decl { get; }

        public bool Present { get; }

        public Dictionary<string, LayerElement> Elements { get; } = new();

        /// <summary>Array lengths by index prefix: "" for the first dimension, "1" for stages[1]'s length, ...</summary>
        public Dictionary<string, long> Lengths { get; } = new();
    }

    private sealed class LayerElement
    {
        public Dictionary<string, Scalar>? Attributes { get; set; }

        public Instance? Block { get; set; }
    }

    /// <summary>Elaborates a root: a model, or a block whose parameters all have defaults and that nothing uses.</summary>
    public void ElaborateRoot(ResolvedBlock root)
    {
        var scalars = new Dictionary<string, Scalar>();
        foreach (var param in root.Signature.Decl.Params)
        {
            if (param.Default is null) return;
            var value = TryEvaluate(param.Default, _ => null, null);
            if (value is null) return;
            scalars[param.Name] = value.ConvertTo(Scalar.FromSyntax(param.Type));
        }
        var instance = Instantiate(root, "", scalars, 0);
        if (instance is null || root.Signature.Decl.Forward is null) return;
        var frame = new Frame(instance);
        var inputs = new List<object?>();
        foreach (var port in root.Signature.Inputs)
        {
            var shape = port.HasShape ? new Shape(port.Shape.Select(d => EvaluateDim(d, frame, freeSymbols: true))) : null;
            if (port.Length is null)
            {
                inputs.Add(shape);
                continue;
            }
            var length = TryEvaluate(port.Length, name => instance.Scalars.TryGetValue(name, out var v) ? v : null, instance);
            inputs.Add(length is null ? ArrayValue.UnknownLength : ArrayValue.Filled((int)length.Int, shape));
        }
        RunForward(instance, inputs);
    }

    private Instance? Instantiate(ResolvedBlock block, string path, Dictionary<string, Scalar> scalars, int depth)
    {
        if (depth > MaxDepth || --budget < 0) return null;
        var instance = new Instance(block, path, scalars);
        Construct(instance, block.Construction, new Dictionary<string, Scalar>(), depth);
        return instance;
    }

    private void Construct(Instance instance, List<ConstructionOp> ops, Dictionary<string, Scalar> env, int depth)
    {
        foreach (var op in ops)
        {
            switch (op)
            {
                case LetOp let:
                    var value = TryEvaluate(let.Syntax.Value, Lookup(instance, env), instance);
                    if (value is not null) instance.Scalars[let.Syntax.Name] = value;
                    else return;
                    break;
                case BufferOp buffer:
                    var dims = buffer.Syntax.Shape.Select(d => TryEvaluate(d, Lookup(instance, env), instance)).ToList();
                    if (dims.Any(d => d is null)) break;
                    var bad = buffer.Syntax.Shape.Zip(dims, (e, d) => (e, d!)).FirstOrDefault(p => p.Item2.Int < 1);
                    if (bad.e is not null)
                    {
                        Report(SpecDiagnostics.InvalidValue, instance.FilePath, bad.e.Span, $"buffer '{buffer.Syntax.Name}' needs sizes >= 1, but this one is {bad.Item2.Int}", instance.Context);
                        break;
                    }
                    instance.Buffers[buffer.Syntax.Name] = new Shape(dims.Select(d => Dim.Const(d!.Int)));
                    break;
                case ChildOp child:
                    var slot = new LayerSlot(child.Child, present: true);
                    instance.Layers[child.Child.Name] = slot;
                    BuildElements(instance, slot, 0, "", new Dictionary<string, Scalar>(env), depth);
                    break;
                case ConditionalOp conditional:
                    var condition = TryEvaluate(conditional.Condition, Lookup(instance, env), instance);
                    if (condition is null) break;
                    Construct(instance, condition.Flag ? conditional.Then : conditional.Else, env, depth);
                    MarkAbsent(instance, condition.Flag ? conditional.Else : conditional.Then);
                    break;
            }
        }
    }

    private static void MarkAbsent(Instance instance, List<ConstructionOp> ops)
    {
        foreach (var op in ops)
        {
            if (op is ChildOp child && !instance.Layers.ContainsKey(child.Child.Name)) instance.Layers[child.Child.Name] = new LayerSlot(child.Child, present: false);
            if (op is ConditionalOp nested)
            {
                MarkAbsent(instance, nested.Then);
                MarkAbsent(instance, nested.Else);
            }
        }
    }

    private void BuildElements(Instance instance, LayerSlot slot, int dim, string prefix, Dictionary<string, Scalar> env, int depth)
    {
        var decl = slot.Decl;
        if (dim == decl.Rank)
        {
            slot.Elements[prefix] = BuildElement(instance, decl, prefix, env, depth);
            return;
        }
        var index = decl.Syntax.Dims[dim];
        var length = TryEvaluate(index.To, Lookup(instance, env), instance);
        if (length is null) return;
        if (length.Int < 0)
        {
            Report(SpecDiagnostics.InvalidValue, instance.FilePath, index.To.Span, $"layer array '{decl.Name}' would have {length.Int} elements", instance.Context);
            return;
        }
        slot.Lengths[prefix] = length.Int;
        for (var i = 0L; i < length.Int && budget > 0; i++)
        {
            env[index.Name] = Scalar.FromInt(i);
            BuildElements(instance, slot, dim + 1, prefix.Length == 0 ? i.ToString() : $"{prefix}.{i}", env, depth);
        }
        env.Remove(index.Name);
    }

    private LayerElement BuildElement(Instance instance, ChildDecl decl, string key, Dictionary<string, Scalar> env, int depth)
    {
        var element = new LayerElement();
        var values = EvaluateArgs(decl.Args, Lookup(instance, env), instance);
        if (values is null) return element;
        var name = key.Length == 0 ? decl.Name : $"{decl.Name}.{key}";
        if (decl.Primitive is not null)
        {
            AttributeRules.Validate(decl.Primitive, name, values, (attribute, descriptor, message) =>
            {
                var arg = decl.Args.First(a => a.Name == attribute);
                Report(descriptor, instance.FilePath, arg.IsDefault ? decl.Syntax.Constructor.Span : arg.Value.Span, message, instance.Context);
            });
            element.Attributes = values;
        }
        else if (decl.Block is not null && blocks.TryGetValue(decl.Block.Name, out var block))
        {
            var path = instance.Path.Length == 0 ? name : $"{instance.Path}.{name}";
            element.Block = Instantiate(block, path, values, depth + 1);
        }
        return element;
    }

    private Dictionary<string, Scalar>? EvaluateArgs(IReadOnlyList<BoundArg> args, System.Func<string, Scalar?> lookup, Instance instance)
    {
        var values = new Dictionary<string, Scalar>();
        foreach (var arg in args)
        {
            // Block defaults are constants; a primitive default taken from another argument (max_pool's stride) uses its names.
            var value = TryEvaluate(arg.Value, lookup, instance);
            if (value is null) return null;
            values[arg.Name] = value.ConvertTo(arg.Type);
        }
        return values;
    }

    private static System.Func<string, Scalar?> Lookup(Instance instance, Dictionary<string, Scalar> env) =>
        name => env.TryGetValue(name, out var local) ? local : instance.Scalars.TryGetValue(name, out var member) ? member : null;

    private Scalar? TryEvaluate(Expr expr, System.Func<string, Scalar?> lookup, Instance? instance)
    {
        try
        {
            return ScalarEvaluator.Evaluate(expr, lookup);
        }
        catch (EvaluationException error)
        {
            if (instance is not null)
            {
                Report(error.IsIndex ? SpecDiagnostics.IndexOutOfRange : SpecDiagnostics.InvalidValue, instance.FilePath, error.Span, error.Message, instance.Context);
            }
            return null;
        }
    }

    private void Report(DiagnosticDescriptor descriptor, string filePath, SpecSpan span, params string[] arguments)
    {
        if (!reported.Add((descriptor.Id, filePath, span.Start, span.Length))) return;
        diagnostics.Add(DiagnosticInfo.Create(descriptor, filePath, span, arguments));
    }
}
