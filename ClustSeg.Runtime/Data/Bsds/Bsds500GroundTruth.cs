using ClustSeg.Runtime.Data.Matlab;
using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Data.Bsds;

/// <summary>
/// Reads BSDS500 ground-truth files: variable <c>groundTruth</c>, a 1xK cell of structs whose <c>Segmentation</c>
/// field is an HxW label image (uint16, labels from 1), one per human annotator.
/// </summary>
public static class Bsds500GroundTruth
{
    /// <summary>Name of the variable that holds the annotations.</summary>
    public const string VariableName = "groundTruth";

    /// <summary>Name of the struct field that holds one annotator's segmentation.</summary>
    public const string SegmentationField = "Segmentation";

    /// <summary>
    /// The annotators' segmentations in file order, as row-major label maps with the labels as stored. Throws
    /// <see cref="MatFileException"/> naming the file when it is malformed or does not hold BSDS500 ground truth.
    /// </summary>
    public static IReadOnlyList<LabelMap> ReadSegmentations(string matPath)
    {
        var file = MatFile.Read(matPath);
        var variable = file.Get(VariableName);
        if (variable is not MatCellArray cell || cell.ElementCount == 0)
            throw new MatFileException(matPath,
                $"variable '{VariableName}' is {variable.Describe()}, expected a non-empty 1xK cell of structs (BSDS500 ground truth)");

        var segmentations = new List<LabelMap>(cell.ElementCount);
        for (var k = 0; k < cell.Cells.Count; k++)
        {
            var where = $"{VariableName}{{{k + 1}}}";
            if (cell.Cells[k] is not MatStructArray annotation || annotation.ElementCount < 1)
                throw new MatFileException(matPath, $"{where} is {cell.Cells[k].Describe()}, expected a struct");
            if (!annotation.TryGetField(0, SegmentationField, out var field))
                throw new MatFileException(matPath,
                    $"{where} has no field '{SegmentationField}' (fields: {string.Join(", ", annotation.FieldNames)})");
            if (field is not MatNumericArray labels || labels.Dimensions.Count != 2 || labels.ElementCount == 0 || labels.IsComplex)
                throw new MatFileException(matPath,
                    $"{where}.{SegmentationField} is {field.Describe()}, expected a real HxW integer label image");
            int height = labels.Dimensions[0], width = labels.Dimensions[1];
            int[] rowMajor;
            try
            {
                rowMajor = labels.ToInt32RowMajor();
            }
            catch (InvalidDataException e)
            {
                throw new MatFileException(matPath, $"{where}.{SegmentationField}: {e.Message}", e);
            }
            segmentations.Add(new LabelMap(width, height, rowMajor));
        }
        return segmentations;
    }
}
