using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary><c>matmul(transpose_b)</c>: batched <c>[B, M, K]·[B, K, N]</c>, or <c>a·bᵀ</c> with b [B, N, K].</summary>
/// <param name="transposeB">Whether b is given as [B, N, K] and used transposed.</param>
public sealed class MatMul(bool transposeB) : BinaryPrimitive
{
    /// <summary>Whether b is used transposed.</summary>
    public bool TransposeB { get; } = transposeB;

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireRank(first, 3, "[B, M, K]", Describe(this), "a");
        RequireRank(second, 3, TransposeB ? "[B, N, K]" : "[B, K, N]", Describe(this), "b");
        var inner = TransposeB ? second.Dim(2) : second.Dim(1);
        Require(first.Dim(0) == second.Dim(0) && first.Dim(2) == inner, Describe(this),
            $"needs equal batch sizes and inner sizes, got a '{first.Name}' [{first.ShapeText}] and b '{second.Name}' [{second.ShapeText}]{(TransposeB ? " (transposed)" : "")}.");
        var output = Scratch(context, Path + ".matmul", first.Dim(0), first.Dim(1), TransposeB ? second.Dim(1) : second.Dim(2));
        context.Recorder.Matmul(first, second, output, transposeB: TransposeB);
        SaveForBackward(context, (first, second));
        return output;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (first, second) = RestoreForBackward<(Tensor, Tensor)>();
        if (outputGradient is null) return (null, null);
        var firstGradient = ScratchLike(context, Path + ".matmul.da", first);
        var secondGradient = ScratchLike(context, Path + ".matmul.db", second);
        context.Recorder.MatmulBackward(first, second, outputGradient, firstGradient, secondGradient, transposeB: TransposeB);
        return (firstGradient, secondGradient);
    }
}
