using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Errors;
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

    /// <summary>Runs the model over <paramref name="files"/> with a progress bar; one failing image does not stop the rest.</summary>
    public static int Run(GpuDevice device, string checkpoint, string? taskName, IReadOnlyList<string> files, string outDir, TextWriter output, TextWriter error)
    {
        var model = LoadModel(device, checkpoint);
        var task = taskName is null ? model.Task : ClustSegTasks.Parse(taskName);
        var writer = new MaskInferenceWriter(model, task, outDir);
        var predictor = new MaskPredictor(device, model);
        var failures = 0;
        new ProgressBar("infer", files.Count, error).Run(advance =>
        {
            for (var n = 0; n < files.Count; n++)
            {
                var file = files[n];
                var stem = Path.GetFileNameWithoutExtension(file);
                try
                {
                    var started = DateTime.UtcNow;
                    var image = ImageInputs.Load(file);
                    var summary = writer.Add(n + 1, stem, Path.GetFileName(file), image, predictor.Predict(image));
                    output.WriteLine($"{file}: {task.Name()}, {summary} ({image.Width}x{image.Height}) in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");
                }
                catch (Exception e) when (e is ClustSegException or IOException or InvalidDataException or FormatException or ArgumentException)
                {
                    // One bad file must not lose the rest of a folder's work.
                    failures++;
                    error.WriteLine($"error: {file}: {e.Message}");
                }
                advance(stem);
            }
        });
        writer.Finish();
        output.WriteLine($"wrote {task.Name()} results of {model.Variant.Name} for {files.Count - failures} of {files.Count} image(s) to {Path.GetFullPath(outDir)}");
        return failures == 0 ? 0 : 1;
    }
}
