"""How production stores and serves the static files: WhiteNoise's compressed manifest storage (each
file under a name with its content's hash, so it is cached for a year; a gzip and a brotli copy beside
it), with the imports between JavaScript modules rewritten to the hashed names too.

The pages load Bootstrap Italia's components one by one, as the ES modules the theme package ships
(`plugins/navbar-collapsible.js` imports `./base-component.js`, ...): with the imports rewritten, every
module of the chain is a hashed, immutable file, not only the first one."""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                # A module of the theme that imports a file the package does not ship (its `init.js`
                # imports `../version.js`): no page loads it; its import stays as written.
                return matchobj.group(0)

        return converter
