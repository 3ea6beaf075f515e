using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Data.Bsds;

/// <summary>Where one BSDS500 sample lives; <see cref="GroundTruthPath"/> is null when the split has no ground truth.</summary>
/// <param name="Id">Image id, the file name without extension (e.g. "101085").</param>
/// <param name="Split">"train", "val" or "test".</param>
/// <param name="ImagePath">The .jpg file.</param>
/// <param name="GroundTruthPath">The .mat file, or null.</param>
public sealed record Bsds500SampleInfo(string Id, string Split, string ImagePath, string? GroundTruthPath);

/// <summary>A loaded BSDS500 sample: the image and every annotator's segmentation of it.</summary>
/// <param name="Info">Where it was read from.</param>
/// <param name="Image">The RGB image.</param>
/// <param name="Segmentations">One label map per annotator, same size as the image (empty without ground truth).</param>
public sealed record Bsds500Sample(Bsds500SampleInfo Info, RgbImage Image, IReadOnlyList<LabelMap> Segmentations);
