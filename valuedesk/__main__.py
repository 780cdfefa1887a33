from valuedesk.app import main
import sys
sys.exit(main())
