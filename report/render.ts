// Draws a Vega-Lite spec as SVG (Vega's headless SVG renderer, pure JavaScript) and as
// PNG (resvg, whose prebuilt binary ships inside its npm package). No browser, no canvas.
import * as fs from "fs";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import type * as VegaModule from "vega";
import type { TopLevelSpec } from "vega-lite/build/index";

// Vega 6 and Vega-Lite 6 are ES modules with top-level await, which require() cannot load.
// TypeScript compiles `import()` to require() under "module": "commonjs", so the dynamic
// import is built at run time where TypeScript does not rewrite it.
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

interface Renderers {
    readonly vega: typeof VegaModule;
    readonly compile: (spec: TopLevelSpec) => { spec: VegaModule.Spec };
}

let renderers: Promise<Renderers> | undefined;
const loadRenderers = (): Promise<Renderers> => (renderers ??= Promise.all([importModule("vega"), importModule("vega-lite")])
    .then(([vega, vegaLite]) => ({ vega: vega as typeof VegaModule, compile: (vegaLite as { compile: Renderers["compile"] }).compile })));

/**
 * Font files for the PNG. resvg draws no text without a font, and a chart without labels
 * is worse than none. $MESHBENCH_FONT_FILE wins; else DejaVu Sans as Debian and Ubuntu
 * install it (fonts-dejavu-core); else the system's fonts.
 */
export const FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

export function pngFontOptions(env: NodeJS.ProcessEnv = process.env): NonNullable<ResvgRenderOptions["font"]> {
    const file = env.MESHBENCH_FONT_FILE || FONT_CANDIDATES.find((f) => fs.existsSync(f));
    return file
        ? { fontFiles: [file], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }
        : { loadSystemFonts: true, defaultFontFamily: "Helvetica" };
}

/** Dark pixels in a PNG's RGBA data: text and lines. */
const darkPixels = (pixels: Buffer): number => {
    let n = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i] < 128) n++;
    return n;
};

/** Throws when resvg has no font to draw text with, naming the fix. */
export function checkFont(font = pngFontOptions()): void {
    const probe = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="30" '
        + 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="24">meshbench</text></svg>', { font });
    if (darkPixels(probe.render().pixels) === 0) {
        throw new Error("no font to draw chart text with: install DejaVu Sans (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
            + "or set MESHBENCH_FONT_FILE to a .ttf file");
    }
}

export interface RenderedChart {
    readonly svg: string;
    readonly png: Buffer;
}

/** SVG at the spec's size; PNG at twice that, for print. */
export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
    const { vega, compile } = await loadRenderers();
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
    const svg = await view.toSVG();
    view.finalize();
    const png = new Resvg(svg, { font: pngFontOptions(), fitTo: { mode: "zoom", value: 2 } }).render().asPng();
    return { svg, png };
}
