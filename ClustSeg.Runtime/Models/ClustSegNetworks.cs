using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Models;

// The generated variants have the same Forward and Backward; this interface lets the facade call either.

/// <summary>What every generated ClustSeg variant provides (the members the layer spec generates).</summary>
internal interface IClustSegNetwork
{
    (Tensor[] ClassLogits, Tensor[] MaskLogits, Tensor Centres, Tensor Features8) Forward(ModuleContext context, Tensor image);

    Tensor? Backward(ModuleContext context, IReadOnlyList<Tensor?>? dClassLogits, IReadOnlyList<Tensor?>? dMaskLogits, Tensor? dCentres, Tensor? dFeatures8);

    DreamyStart Seeds { get; }

    int LayerCount { get; }

    int Dim { get; }
}

/// <content>Lets <see cref="ClustSegModel"/> drive the tiny variant.</content>
public sealed partial class ClustSegTiny : IClustSegNetwork
{
}

/// <content>Lets <see cref="ClustSegModel"/> drive the small variant.</content>
public sealed partial class ClustSegSmall : IClustSegNetwork
{
}
