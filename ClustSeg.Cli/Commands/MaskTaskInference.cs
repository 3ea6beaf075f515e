using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli infer --checkpoint FILE [--task T] IMAGE|DIR -o OUT`: semantic, instance or panoptic results.</summary>
internal static class MaskTaskInference
{
    /// <summary>Loads a checkpoint, checked and with a clear error when it is missing.</summary>
    public static ClustSegModel LoadModel(GpuDevice device, string checkpoint)
    {
        if (!File.Exists(checkpoint))
            throw new ClustSegException($"The checkpoint '{checkpoint}' does not exist.", "Write one with `clustseg-cli init` or train one, and pass its path.");
        return ClustSegModel.Load(device, checkpoint);
    }

    /// <summary>
    /// Runs the model over <paramref name="files"/> with a progress bar, up to <paramref name="batchSize"/> consecutive
    /// pictures that can share a forward pass (<see cref="MaskPredictor.CanShareBatch"/>); one failing image does not stop
    /// the rest.
    /// </summary>
    public static int Run(GpuDevice device, string checkpoint, string? taskName, IReadOnlyList<string> files, string outDir, int batchSize,
        string inputScales, bool flipTest, TextWriter output, TextWriter error)
    {
        if (batchSize < 1) throw new ClustSegException($"--batch must be at least 1 (got {batchSize}).", "Pass --batch 1 or more.");
        var model = LoadModel(device, checkpoint);
        var task = taskName is null ? model.Task : ClustSegTasks.Parse(taskName);
        var predictor = ModelOptions.Predictor(device, model, inputScales, flipTest);
        var writer = new MaskInferenceWriter(model, task, outDir);
        var failures = 0;
        try
        {
            new ProgressBar("infer", files.Count, error).Run(advance =>
            {
                var pending = new List<(int Index, string File, RgbImage Image)>();
                void Flush()
                {
                    if (pending.Count == 0) return;
                    var started = DateTime.UtcNow;
                    IReadOnlyList<MaskPrediction> predictions;
                    try
                    {
                        predictions = predictor.Predict(pending.Select(p => p.Image).ToList());
                    }
                    catch (Exception e) when (IsPerImage(e))
                    {
                        foreach (var (_, file, _) in pending)
                        {
                            failures++;
                            error.WriteLine($"error: {file}: {e.Message}");
                            advance(Path.GetFileNameWithoutExtension(file));
                        }
                        pending.Clear();
                        return;
                    }
                    var perImage = (DateTime.UtcNow - started).TotalMilliseconds / pending.Count;
                    for (var j = 0; j < pending.Count; j++)
                    {
                        // Each picture's files are written on their own, so one failure costs that picture only.
                        var (index, file, image) = pending[j];
                        try
                        {
                            var summary = writer.Add(index + 1, Path.GetFileNameWithoutExtension(file), Path.GetFileName(file), image, predictions[j]);
                            output.WriteLine($"{ImageInputs.DisplayName(file)}: {task.Name()}, {summary} ({image.Width}x{image.Height}), model {perImage:0} ms");
                        }
                        catch (Exception e) when (IsPerImage(e))
                        {
                            failures++;
                            error.WriteLine($"error: {file}: {e.Message}");
                        }
                        advance(Path.GetFileNameWithoutExtension(file));
                    }
                    pending.Clear();
                }

                for (var n = 0; n < files.Count; n++)
                {
                    RgbImage image;
                    try
                    {
                        image = ImageInputs.Load(files[n]);
                    }
                    catch (Exception e) when (IsPerImage(e))
                    {
                        // One bad file must not lose the rest of a folder's work.
                        failures++;
                        error.WriteLine($"error: {files[n]}: {e.Message}");
                        advance(Path.GetFileNameWithoutExtension(files[n]));
                        continue;
                    }
                    if (pending.Count == batchSize || pending.Count > 0 && !predictor.CanShareBatch(pending[0].Image, image)) Flush();
                    pending.Add((n, files[n], image));
                }
                Flush();
            });
        }
        finally
        {
            // The JSON files list every picture done so far; write them even when a later failure ends the run.
            writer.Finish();
        }
        output.WriteLine($"wrote {task.Name()} results of {model.Variant.Name} for {files.Count - failures} of {files.Count} image(s) to {Path.GetFullPath(outDir)}");
        return failures == 0 ? 0 : 1;
    }

    private static bool IsPerImage(Exception e) => e is ClustSegException or IOException or InvalidDataException or FormatException or ArgumentException;
}
