import { describe, expect, it } from 'vitest';
import { externalFromRefs } from '@fipsyard/plugin-docker-build';

const dockerfile = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('externalFromRefs', () => {
  it('lists the image of a plain FROM', () => {
    expect(externalFromRefs(dockerfile('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4', 'RUN microdnf install -y openssl'), {})).toEqual([
      'registry.access.redhat.com/ubi9/ubi-minimal:9.4',
    ]);
  });

  it('substitutes ARG defaults declared before the first FROM', () => {
    expect(externalFromRefs(dockerfile('ARG UBI_TAG=9.4', 'FROM ubi9/ubi:${UBI_TAG}', 'FROM debian:$UBI_TAG'), {})).toEqual(['ubi9/ubi:9.4', 'debian:9.4']);
  });

  it('strips quotes around an ARG default', () => {
    expect(externalFromRefs(dockerfile('ARG BASE="alpine:3.20"', "ARG OTHER='busybox:1.36'", 'FROM $BASE', 'FROM $OTHER'), {})).toEqual(['alpine:3.20', 'busybox:1.36']);
  });

  it('lets build args override ARG defaults', () => {
    expect(externalFromRefs(dockerfile('ARG UBI_TAG=9.4', 'FROM ubi9/ubi:${UBI_TAG}'), { UBI_TAG: '9.5' })).toEqual(['ubi9/ubi:9.5']);
  });

  it('uses a build arg for an ARG declared without a default', () => {
    expect(externalFromRefs(dockerfile('ARG BASE', 'FROM ${BASE}'), { BASE: 'rockylinux:9' })).toEqual(['rockylinux:9']);
  });

  it('ignores build args that no global ARG declares, as Docker does', () => {
    expect(externalFromRefs(dockerfile('FROM node:${NODE_VERSION}'), { NODE_VERSION: '22' })).toEqual([]);
  });

  it('ignores ARGs declared inside a stage when resolving later FROMs', () => {
    expect(externalFromRefs(dockerfile('FROM alpine:3.20', 'ARG IMG=busybox', 'FROM ${IMG}'), {})).toEqual(['alpine:3.20']);
  });

  it('applies ${VAR:-default} when the variable is unset or empty, and the value otherwise', () => {
    const text = dockerfile('ARG NODE_VERSION', 'FROM node:${NODE_VERSION:-20}-slim');
    expect(externalFromRefs(text, {})).toEqual(['node:20-slim']);
    expect(externalFromRefs(text, { NODE_VERSION: '' })).toEqual(['node:20-slim']);
    expect(externalFromRefs(text, { NODE_VERSION: '22' })).toEqual(['node:22-slim']);
  });

  it('leaves out references it cannot resolve', () => {
    expect(externalFromRefs(dockerfile('ARG TAG', 'FROM alpine:${TAG}'), {})).toEqual([]);
  });

  it('leaves out multi-stage names, whatever their case', () => {
    const text = dockerfile('FROM golang:1.22 AS Build', 'RUN go build ./...', 'FROM build AS test', 'FROM BUILD', 'FROM gcr.io/distroless/static:nonroot');
    expect(externalFromRefs(text, {})).toEqual(['golang:1.22', 'gcr.io/distroless/static:nonroot']);
  });

  it('accepts lowercase instructions and the lowercase "as"', () => {
    expect(externalFromRefs(dockerfile('from alpine:3.20 as base', 'from base'), {})).toEqual(['alpine:3.20']);
  });

  it('leaves out scratch', () => {
    expect(externalFromRefs(dockerfile('FROM scratch', 'COPY app /app'), {})).toEqual([]);
  });

  it('leaves out an image given by ID, such as the parent passed in BASE_IMAGE', () => {
    expect(externalFromRefs(dockerfile('ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}'), { BASE_IMAGE: 'sha256:0a1b2c3d' })).toEqual([]);
  });

  it('reads past a --platform flag', () => {
    expect(externalFromRefs(dockerfile('FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM --platform=linux/amd64 alpine:3.20'), {})).toEqual([
      'golang:1.22',
      'alpine:3.20',
    ]);
  });

  it('joins line continuations', () => {
    const text = 'ARG BASE=\\\n  alpine:3.20\nFROM \\\n  --platform=linux/arm64 \\\n  ${BASE} \\\n  AS base\nFROM base\n';
    expect(externalFromRefs(text, {})).toEqual(['alpine:3.20']);
  });

  it('joins CRLF line continuations too', () => {
    expect(externalFromRefs('FROM \\\r\n  alpine:3.20\r\nRUN true\r\n', {})).toEqual(['alpine:3.20']);
  });

  it('skips comments and lists each image once', () => {
    expect(externalFromRefs(dockerfile('# FROM ignored:1', 'FROM alpine:3.20 AS a', 'FROM alpine:3.20 AS b'), {})).toEqual(['alpine:3.20']);
  });

  it('counts images copied or mounted from outside the build, not stages or stage numbers', () => {
    const text = ['ARG TOOLS=example.org/tools:2', 'FROM debian:trixie-slim AS build', 'RUN true', 'FROM scratch',
      'COPY --from=build /a /a', 'COPY --from=0 /b /b', 'COPY --chown=1:1 --from=busybox:1.36 /bin/busybox /bin/', 'COPY --from=${TOOLS} /t /t',
      'RUN --mount=type=bind,from=example.org/certs:1,target=/certs true'].join('\n');
    expect(externalFromRefs(text, {})).toEqual(['debian:trixie-slim', 'busybox:1.36', 'example.org/tools:2', 'example.org/certs:1']);
  });
});
