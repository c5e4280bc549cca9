// object/: object semantics over pools → sets → Drive[]; the only thing s3/ and admin/ call.
export * from "./object-error.ts";
export * from "./object-layer.ts";
export * from "./placement.ts";
