/**
 * Babel plugin for Jest: ES-module-only packages (NestJS 12, the MLS engine) are compiled to
 * CommonJS for the test runner, where `import.meta` does not exist. Their only use of it is
 * `import.meta.url`, for `createRequire`: the module's own file URL. Not through `require`, which
 * such a module may itself declare (`const require = createRequire(import.meta.url)`).
 */
module.exports = function importMetaUrl({ types: t }) {
  return {
    name: 'import-meta-url',
    visitor: {
      MetaProperty(path) {
        const { node, parentPath } = path;
        if (node.meta.name !== 'import' || node.property.name !== 'meta') return;
        if (
          !parentPath.isMemberExpression({ object: node }) ||
          parentPath.node.computed ||
          !t.isIdentifier(parentPath.node.property, { name: 'url' })
        )
          throw path.buildCodeFrameError(
            'only import.meta.url is rewritten for Jest',
          );
        parentPath.replaceWith(
          t.memberExpression(
            t.callExpression(
              t.memberExpression(
                t.callExpression(
                  t.memberExpression(
                    t.identifier('process'),
                    t.identifier('getBuiltinModule'),
                  ),
                  [t.stringLiteral('node:url')],
                ),
                t.identifier('pathToFileURL'),
              ),
              [t.identifier('__filename')],
            ),
            t.identifier('href'),
          ),
        );
      },
    },
  };
};
