import sys

from valuedesk.app import main

sys.exit(main())
