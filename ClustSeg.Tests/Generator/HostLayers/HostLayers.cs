using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Tests.Generator.HostLayers.HostTensor;

namespace ClustSeg.Tests.Generator.HostLayers;

// Reference implementations of a few primitives, computed on the host in double precision and following the
// primitive contract exactly (save in Forward, pop in Backward, accumulate parameter gradients, null = zero).
// They let the tests run generated Forward/Backward schedules before the kernel-backed layers exist.

public class HostLinear : UnaryPrimitive
{
    private readonly int _in;
    private readonly int _out;

    public HostLinear(int inFeatures, int outFeatures, bool bias)
    {
        _in = inFeatures;
        _out = outFeatures;
        Weight = RegisterParameter("weight", [outFeatures, inFeatures], ParameterInit.PyTorchDefault(inFeatures));
        if (bias) Bias = RegisterParameter("bias", [outFeatures], ParameterInit.PyTorchDefault(inFeatures), weightDecay: false);
    }

    public Parameter Weight { get; }

    public Parameter? Bias { get; }

    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        if (input.Dim(-1) != _in) throw new InvalidOperationException($"{DisplayPath}: expects {_in} features, got [{input.ShapeText}].");
        var x = Read(context, input);
        var w = Read(context, Weight.Value);
        var b = Bias is null ? new double[_out] : Read(context, Bias.Value);
        var rows = x.Length / _in;
        var y = new double[rows * _out];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < _out; o++)
            {
                var sum = b[o];
                for (var i = 0; i < _in; i++) sum += x[r * _in + i] * w[o * _in + i];
                y[r * _out + o] = sum;
            }
        }
        SaveForBackward(context, (x, input.Shape.ToArray()));
        var shape = input.Shape.ToArray();
        shape[^1] = _out;
        return Write(context, Path + ".out", y, shape);
    }

    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        var (x, shape) = RestoreForBackward<(double[], int[])>();
        if (outputGradient is null) return null;
        var dy = Read(context, outputGradient);
        var w = Read(context, Weight.Value);
        var rows = x.Length / _in;
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[_out];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < _out; o++)
            {
                var g = dy[r * _out + o];
                db[o] += g;
                for (var i = 0; i < _in; i++)
                {
                    dw[o * _in + i] += g * x[r * _in + i];
                    dx[r * _in + i] += g * w[o * _in + i];
                }
            }
        }
        AddInto(context, Weight.Grad, dw);
        if (Bias is not null) AddInto(context, Bias.Grad, db);
        return Write(context, Path + ".dx", dx, shape);
    }
}

public class HostReLU : UnaryPrimitive
{
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        var x = Read(context, input);
        SaveForBackward(context, x);
        return Write(context, "relu", Array.ConvertAll(x, v => Math.Max(v, 0)), input.Shape);
    }

    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        var x = RestoreForBackward<double[]>();
        if (outputGradient is null) return null;
        var dy = Read(context, outputGradient);
        return Write(context, "relu.dx", dy.Select((g, i) => x[i] > 0 ? g : 0).ToArray(), outputGradient.Shape);
    }
}

public class HostAdd : BinaryPrimitive
{
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        if (!first.Shape.SequenceEqual(second.Shape)) throw new InvalidOperationException($"add: [{first.ShapeText}] and [{second.ShapeText}] differ.");
        var a = Read(context, first);
        var b = Read(context, second);
        SaveForBackward(context, 0);
        return Write(context, "add", a.Select((v, i) => v + b[i]).ToArray(), first.Shape);
    }

    // Both inputs receive the very same tensor, as a kernel-backed add may do; summing must not write into it.
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        RestoreForBackward<int>();
        return (outputGradient, outputGradient);
    }
}

public class HostMul : BinaryPrimitive
{
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        var a = Read(context, first);
        var b = Read(context, second);
        SaveForBackward(context, (a, b));
        return Write(context, "mul", a.Select((v, i) => v * b[i]).ToArray(), first.Shape);
    }

    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        var (a, b) = RestoreForBackward<(double[], double[])>();
        if (outputGradient is null) return (null, null);
        var dy = Read(context, outputGradient);
        return (Write(context, "mul.da", dy.Select((g, i) => g * b[i]).ToArray(), outputGradient.Shape),
                Write(context, "mul.db", dy.Select((g, i) => g * a[i]).ToArray(), outputGradient.Shape));
    }
}

public class HostScale(float factor) : UnaryPrimitive
{
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        SaveForBackward(context, 0);
        return Write(context, "scale", Array.ConvertAll(Read(context, input), v => v * factor), input.Shape);
    }

    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        RestoreForBackward<int>();
        return outputGradient is null ? null : Write(context, "scale.dx", Array.ConvertAll(Read(context, outputGradient), g => g * factor), outputGradient.Shape);
    }
}

/// <summary>Concatenation along dimension 1 of [B, N, D] tensors.</summary>
public class HostConcat : VariadicPrimitive
{
    public override Tensor Forward(ModuleContext context, IReadOnlyList<Tensor> inputs)
    {
        var batch = inputs[0].Dim(0);
        var width = inputs[0].Dim(2);
        var rows = inputs.Select(t => t.Dim(1)).ToArray();
        var data = inputs.Select(t => Read(context, t)).ToArray();
        var output = new List<double>();
        for (var b = 0; b < batch; b++)
        {
            for (var k = 0; k < inputs.Count; k++) output.AddRange(data[k].Skip(b * rows[k] * width).Take(rows[k] * width));
        }
        SaveForBackward(context, rows);
        return Write(context, "concat", output.ToArray(), [batch, rows.Sum(), width]);
    }

    public override Tensor?[] Backward(ModuleContext context, Tensor? outputGradient)
    {
        var rows = RestoreForBackward<int[]>();
        if (outputGradient is null) return new Tensor?[rows.Length];
        var dy = Read(context, outputGradient);
        var batch = outputGradient.Dim(0);
        var width = outputGradient.Dim(2);
        var parts = rows.Select(_ => new List<double>()).ToArray();
        var offset = 0;
        for (var b = 0; b < batch; b++)
        {
            for (var k = 0; k < rows.Length; k++)
            {
                parts[k].AddRange(dy.Skip(offset).Take(rows[k] * width));
                offset += rows[k] * width;
            }
        }
        return parts.Select((p, k) => (Tensor?)Write(context, $"concat.d{k}", p.ToArray(), [batch, rows[k], width])).ToArray();
    }
}
