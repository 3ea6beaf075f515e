using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Runtime.Metrics;

/// <summary>Panoptic quality from COCO panoptic files (ground truth and predictions), as panopticapi's pq_compute.</summary>
public static class PanopticEvaluator
{
    /// <summary>
    /// Scores the predictions of every ground-truth image. Every ground-truth image needs a prediction; predictions
    /// for other images are ignored. Both sides' PNGs are checked against their JSON.
    /// </summary>
    /// <param name="groundTruthJson">Ground-truth panoptic JSON (with categories).</param>
    /// <param name="groundTruthFolder">Its PNG folder (default: JSON path without ".json").</param>
    /// <param name="predictionJson">Prediction panoptic JSON.</param>
    /// <param name="predictionFolder">Its PNG folder (default: JSON path without ".json").</param>
    /// <param name="progress">Called with (images done, total) after each image.</param>
    /// <exception cref="DataFileException">A file is missing, malformed, or the two sides disagree.</exception>
    public static PanopticQualityResult EvaluateFiles(string groundTruthJson, string? groundTruthFolder, string predictionJson,
        string? predictionFolder, Action<int, int>? progress = null)
    {
        var groundTruth = CocoPanopticDataset.Load(groundTruthJson, groundTruthFolder);
        if (groundTruth.Categories.Count == 0)
            throw new DataFileException(groundTruthJson, "the ground truth has no \"categories\"; PQ needs them (with isthing).");
        var predictions = CocoPanopticDataset.Load(predictionJson, predictionFolder, groundTruth.Categories);
        return Evaluate(groundTruth, predictions, progress);
    }

    /// <summary>Scores already loaded datasets (see <see cref="EvaluateFiles"/>).</summary>
    public static PanopticQualityResult Evaluate(CocoPanopticDataset groundTruth, CocoPanopticDataset predictions, Action<int, int>? progress = null)
    {
        var byImage = predictions.Annotations.ToDictionary(a => a.ImageId);
        var accumulator = new PanopticQualityAccumulator(groundTruth.Categories);
        var done = 0;
        foreach (var gt in groundTruth.Annotations)
        {
            if (!byImage.TryGetValue(gt.ImageId, out var pred))
                throw new DataFileException(predictions.JsonPath, $"no prediction for image {gt.ImageId} ('{gt.FileName}'); every ground-truth image needs one.");
            var gtMap = groundTruth.ReadSegmentMap(gt);
            var predMap = predictions.ReadSegmentMap(pred);
            accumulator.AddImage(gtMap, gt.Segments, predMap, pred.Segments, Path.Combine(predictions.SegmentationFolder, pred.FileName));
            progress?.Invoke(++done, groundTruth.Annotations.Count);
        }
        return accumulator.Compute();
    }
}
