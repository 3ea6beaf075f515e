using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>attention(heads)</c>: multi-head <c>softmax(q kᵀ / sqrt(D / heads)) v</c> with the softmax over keys, for
/// q [B, Nq, D], k [B, Nk, D], v [B, Nk, Dv] already projected; head h uses channels h·D/heads .. (h+1)·D/heads - 1
/// of q and k and the matching slice of v. Output [B, Nq, Dv].
/// </summary>
public sealed class Attention : TernaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="heads">Number of heads; divides the widths of q and v.</param>
    public Attention(int heads)
    {
        if (heads < 1) throw new ArgumentException($"attention(heads: {heads}): needs at least one head.");
        Heads = heads;
    }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    private sealed record Saved(Tensor QueriesT, Tensor KeysT, Tensor ValuesT, Tensor Weights, float Scale, int Batch, int Queries, int Keys, int Width, int ValueWidth);

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second, Tensor third)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        var layer = Describe(this);
        RequireRank(first, 3, "[B, Nq, D]", layer, "q");
        RequireRank(second, 3, "[B, Nk, D]", layer, "k");
        RequireRank(third, 3, "[B, Nk, Dv]", layer, "v");
        int batch = first.Dim(0), queries = first.Dim(1), width = first.Dim(2), keys = second.Dim(1), valueWidth = third.Dim(2);
        Require(second.Dim(0) == batch && third.Dim(0) == batch && second.Dim(2) == width && third.Dim(1) == keys, layer,
            $"needs q [B, Nq, D], k [B, Nk, D], v [B, Nk, Dv]; got [{first.ShapeText}], [{second.ShapeText}], [{third.ShapeText}].");
        Require(width % Heads == 0 && valueWidth % Heads == 0, layer,
            $"splits the widths into {Heads} heads, but q has width {width} and v {valueWidth}.");
        int headWidth = width / Heads, valueHeadWidth = valueWidth / Heads, groups = batch * Heads;

        // Transposed to [B, D, N], each head's channels form one contiguous [D/heads, N] matrix of a [B*heads] batch.
        var queriesT = Transposed(context, first, Path + ".qT").Reshape(groups, headWidth, queries);
        var keysT = Transposed(context, second, Path + ".kT").Reshape(groups, headWidth, keys);
        var valuesT = Transposed(context, third, Path + ".vT").Reshape(groups, valueHeadWidth, keys);
        var scale = 1f / MathF.Sqrt(headWidth);
        var logits = Scratch(context, Path + ".logits", groups, queries, keys);
        context.Recorder.Matmul(queriesT, keysT, logits, transposeA: true);
        var scaled = Scratch(context, Path + ".scaled", groups, queries, keys);
        context.Recorder.Scale(logits, scale, scaled);
        var weights = Scratch(context, Path + ".weights", groups, queries, keys);
        context.Recorder.Softmax(scaled, weights, -1);
        // outᵀ = vᵀ weightsᵀ: [dv, Nk] x [Nk, Nq] per head, which lands in [B, Dv, Nq] order.
        var outputT = Scratch(context, Path + ".outT", groups, valueHeadWidth, queries);
        context.Recorder.Matmul(valuesT, weights, outputT, transposeB: true);
        var output = Transposed(context, outputT.Reshape(batch, valueWidth, queries), Path + ".out");
        SaveForBackward(context, new Saved(queriesT, keysT, valuesT, weights, scale, batch, queries, keys, width, valueWidth));
        return output;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second, Tensor? Third) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = RestoreForBackward<Saved>();
        if (outputGradient is null) return (null, null, null);
        int groups = s.Batch * Heads;
        var outputGradientT = Transposed(context, outputGradient, Path + ".doutT").Reshape(groups, s.ValueWidth / Heads, s.Queries);
        var valuesGradientT = ScratchLike(context, Path + ".dvT", s.ValuesT);
        var weightsGradient = ScratchLike(context, Path + ".dweights", s.Weights);
        context.Recorder.MatmulBackward(s.ValuesT, s.Weights, outputGradientT, valuesGradientT, weightsGradient, transposeB: true);
        var scaledGradient = ScratchLike(context, Path + ".dscaled", s.Weights);
        context.Recorder.SoftmaxBackward(s.Weights, weightsGradient, scaledGradient, -1);
        var logitsGradient = ScratchLike(context, Path + ".dlogits", s.Weights);
        context.Recorder.Scale(scaledGradient, s.Scale, logitsGradient);
        var queriesGradientT = ScratchLike(context, Path + ".dqT", s.QueriesT);
        var keysGradientT = ScratchLike(context, Path + ".dkT", s.KeysT);
        context.Recorder.MatmulBackward(s.QueriesT, s.KeysT, logitsGradient, queriesGradientT, keysGradientT, transposeA: true);
        return (Transposed(context, queriesGradientT.Reshape(s.Batch, s.Width, s.Queries), Path + ".dq"),
                Transposed(context, keysGradientT.Reshape(s.Batch, s.Width, s.Keys), Path + ".dk"),
                Transposed(context, valuesGradientT.Reshape(s.Batch, s.ValueWidth, s.Keys), Path + ".dv"));
    }
}
