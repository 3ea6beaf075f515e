using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Models;

/// <summary>
/// What one forward pass of a ClustSeg model gives, for a padded input [B, 3, Hp, Wp]: after every decoder layer
/// (deep supervision) the class logits [B, K, classes + 1] (no-object last) and the mask logits [B, K, Hp/4, Wp/4];
/// the last layer's centres [B, K, D]; and F8 [B, D, Hp/8, Wp/8], the features the memory bank averages.
/// </summary>
/// <param name="ClassLogits">Class logits of each decoder layer, first layer first.</param>
/// <param name="MaskLogits">Mask logits of each decoder layer at 1/4 of the padded input.</param>
/// <param name="Centres">The centres after the last decoder layer.</param>
/// <param name="Features8">The pixel decoder's stride-8 features (after GroupNorm and ReLU, without the position code).</param>
public sealed record ClustSegOutputs(IReadOnlyList<Tensor> ClassLogits, IReadOnlyList<Tensor> MaskLogits, Tensor Centres, Tensor Features8);
